"""Importing customers from a spreadsheet: upload and preview, confirm, and the blank template."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import allowed
from owners import forms, importing
from owners.models import ImportBatch


def _batch_for_user(request: HttpRequest, token: str | None) -> ImportBatch:
    """The user's own import batch named by the confirm form's token; 404 for anyone else's."""
    try:
        token = uuid.UUID(str(token or ""))
    except ValueError:
        raise Http404
    return get_object_or_404(importing.import_batches_for_user(request.user), token=token)


@allowed(permissions.may_import_customers)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": importing.COLUMNS, "max_rows": importing.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        importing.import_batches_prune()
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            # The rows wait in the database, not in the session; the confirm form carries the token.
            batch = importing.import_batch_create(rows=rows, file_name=upload.name, by=request.user)
            results = importing.rows_check(rows, by=request.user)
            context.update(
                preview=results[:50], token=batch.token, batch=batch, total=len(results),
                taken=sum(r.ok for r in results), refused=sum(not r.ok for r in results),
            )
            return render(request, "owners/import_preview.html", context)
    return render(request, "owners/import_form.html", context)


@allowed(permissions.may_import_customers)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    batch = _batch_for_user(request, request.POST.get("token"))
    results = None
    if batch.status == ImportBatch.Status.DONE:
        messages.error(request, _("This import was already done."))
    elif batch.is_expired:
        messages.error(request, _("This preview has expired: upload the file again."))
    else:
        results = importing.import_batch_confirm(batch=batch, by=request.user)
        if results is None:  # confirmed meanwhile from another tab
            messages.error(request, _("This import was already done."))
    if results is None:
        return redirect("owners:import_upload")
    return render(request, "owners/import_report.html", {
        "results": results, "name": batch.file_name,
        "taken": sum(r.ok for r in results), "refused": sum(not r.ok for r in results),
    })


@allowed(permissions.may_import_customers)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="customer_import_template.xlsx"'
    return response


urlpatterns = [
    path("import/", import_upload, name="import_upload"),
    path("import/confirm/", import_confirm, name="import_confirm"),
    path("import/template.xlsx", import_template, name="import_template"),
]
