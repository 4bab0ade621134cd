"""Importing customers from a spreadsheet: upload and preview, confirm, and the blank template."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import allowed
from owners import forms, importing

# The uploaded rows wait in the session between the preview and the confirmation.
SESSION_KEY = "owners_import"


@allowed(permissions.may_import_customers)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": importing.COLUMNS}
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.read_rows(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            token = uuid.uuid4().hex
            request.session[SESSION_KEY] = {"token": token, "rows": rows, "name": form.cleaned_data["file"].name}
            results = importing.rows_check(rows, by=request.user)
            context.update(
                preview=results[:50], token=token, total=len(results),
                taken=sum(r.ok for r in results), refused=sum(not r.ok for r in results),
            )
            return render(request, "owners/import_preview.html", context)
    return render(request, "owners/import_form.html", context)


@allowed(permissions.may_import_customers)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("This import was already done or has expired: upload the file again."))
        return redirect("owners:import_upload")
    del request.session[SESSION_KEY]
    results = importing.rows_import(pending["rows"], by=request.user)
    return render(request, "owners/import_report.html", {
        "results": results, "name": pending["name"],
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
