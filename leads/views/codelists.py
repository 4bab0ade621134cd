"""The code lists on pages of their own: car models, colours, source channels (A–J), defeat reasons.

An entry is added, edited (its history kept by django-simple-history) and deactivated or reactivated,
never deleted: customers, visits, orders and defeats point at it. The head of sales edits them
(`may_edit_code_lists`); anyone else gets 404.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import allowed
from leads.forms.codelists import DUPLICATE_NAME, form_for, has_code
from leads.models import CarModel, Channel, CodeList, Colour, DefeatReason

# The lists, in the order of the page's tabs, by the slug of their URLs.
CODE_LISTS: dict[str, type[CodeList]] = {
    "car-models": CarModel,
    "colours": Colour,
    "channels": Channel,
    "defeat-reasons": DefeatReason,
}


def _model_of(kind: str) -> type[CodeList]:
    try:
        return CODE_LISTS[kind]
    except KeyError:
        raise Http404


def _tabs(current: str) -> list[dict]:
    return [
        {"kind": kind, "label": model._meta.verbose_name_plural, "current": kind == current}
        for kind, model in CODE_LISTS.items()
    ]


@allowed(permissions.may_edit_code_lists)
def code_list(request: HttpRequest, kind: str) -> HttpResponse:
    model = _model_of(kind)
    return render(request, "leads/codelist_list.html", {
        "kind": kind,
        "tabs": _tabs(kind),
        "title": model._meta.verbose_name_plural,
        "has_code": has_code(model),
        "entries": list(model.objects.all()),
    })


def _save(form, *, fields: list[str] | None) -> bool:
    """Save the form's entry (only `fields` of an existing one); False when another save took its name or
    code between validation and the write (the unique index refuses it)."""
    entry = form.save(commit=False)
    try:
        with transaction.atomic():
            entry.save(update_fields=fields)
    except IntegrityError:
        form.add_error(None, DUPLICATE_NAME)
        return False
    return True


@allowed(permissions.may_edit_code_lists)
def code_list_add(request: HttpRequest, kind: str) -> HttpResponse:
    model = _model_of(kind)
    form = form_for(model)(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save(form, fields=None):
        messages.success(request, _("%(name)s added.") % {"name": form.instance})
        return redirect("leads:code_list", kind=kind)
    return render(request, "leads/codelist_form.html", {
        "kind": kind, "tabs": _tabs(kind), "title": model._meta.verbose_name_plural, "form": form, "entry": None,
    })


@allowed(permissions.may_edit_code_lists)
def code_list_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model_of(kind)
    entry = get_object_or_404(model, pk=pk)
    form_class = form_for(model)
    # The form works on a copy: a refused save must not show typed values as the entry's own.
    form = form_class(request.POST or None, instance=model.objects.get(pk=entry.pk))
    if request.method == "POST" and form.is_valid() and _save(form, fields=form_class._meta.fields):
        messages.success(request, _("%(name)s saved.") % {"name": form.instance})
        return redirect("leads:code_list", kind=kind)
    return render(request, "leads/codelist_form.html", {
        "kind": kind, "tabs": _tabs(kind), "title": model._meta.verbose_name_plural, "form": form, "entry": entry,
    })


@allowed(permissions.may_edit_code_lists)
@require_POST
def code_list_set_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Deactivate (hidden from new choices, kept on every record that has it) or reactivate an entry."""
    model = _model_of(kind)
    entry = get_object_or_404(model, pk=pk)
    active = request.POST.get("active") == "1"
    if entry.is_active != active:
        entry.is_active = active
        entry.save(update_fields=["is_active"])
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": entry})
    else:
        messages.success(request, _("%(name)s deactivated: it stays on the records that have it.") % {"name": entry})
    return redirect("leads:code_list", kind=kind)


urlpatterns = [
    path("code-lists/", code_list, {"kind": "car-models"}, name="code_lists"),
    path("code-lists/<slug:kind>/", code_list, name="code_list"),
    path("code-lists/<slug:kind>/add/", code_list_add, name="code_list_add"),
    path("code-lists/<slug:kind>/<int:pk>/edit/", code_list_edit, name="code_list_edit"),
    path("code-lists/<slug:kind>/<int:pk>/active/", code_list_set_active, name="code_list_set_active"),
]
