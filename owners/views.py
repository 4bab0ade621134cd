"""Owners, care plan, defeated customers, handover, user deactivation and import pages."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from accounts.visibility import consultants_visible_to
from common.redirects import redirect_back
from followups.models import Task
from leads.models import Customer, CustomerChange
from leads.selectors import customers_for_user, get_customer_for_user
from leads.services import TransitionError
from owners import forms, importing, selectors, services
from owners.models import CareMilestone


def _page(request, queryset):
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


# --- Owners ---------------------------------------------------------------------------------------


@allowed(permissions.may_work_customers)
def owner_list(request):
    form = forms.OwnerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    owners = selectors.owners_for_user(request.user, today=timezone.localdate(), filters=filters)
    return render(request, "owners/owner_list.html", {
        "form": form, "page": _page(request, owners),
    })


@allowed(permissions.may_work_customers)
def owner_detail(request, pk):
    owner = selectors.get_owner_for_user(request.user, pk, today=timezone.localdate())
    vehicles = list(
        owner.vehicles.select_related("car_model", "colour").prefetch_related("insurance", "maintenance")
    )
    return render(request, "owners/owner_detail.html", {
        "owner": owner,
        "vehicles": vehicles,
        "accessories": list(owner.accessories.all()),
        "referrals": list(owner.referrals_made.select_related("prospect")),
        "consultant_history": list(
            owner.changes.filter(field=CustomerChange.Field.CONSULTANT).select_related("changed_by")
        ),
        "status_history": list(owner.changes.filter(field=CustomerChange.Field.STATUS).select_related("changed_by")),
        "care_tasks": list(
            Task.objects.filter(customer=owner, kind__in=services.OWNER_TASK_KINDS).order_by("-due_on")[:20]
        ),
        "item_kinds": ITEM_FORMS,
    })


@allowed(permissions.may_work_customers)
def owner_create(request):
    form = forms.OwnerCreateForm(request.POST or None, user=request.user, prefix="owner")
    vehicle_form = forms.VehicleForm(request.POST or None, prefix="vehicle")
    if request.method == "POST" and form.is_valid() & vehicle_form.is_valid():
        try:
            owner = services.owner_create(
                fields=form.customer_fields(),
                vehicle=vehicle_form.cleaned_data,
                source=form.cleaned_data["source"],
                consultant=form.cleaned_data["consultant"],
                by=request.user,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            vehicle_form.add_error("vin", error)
        else:
            messages.success(request, _("Owner added."))
            return redirect("owners:owner_detail", pk=owner.pk)
    return render(request, "owners/owner_form.html", {"form": form, "vehicle_form": vehicle_form})


ITEM_FORMS = {
    "vehicle": (forms.VehicleAddForm, gettext_lazy("vehicle")),
    "insurance": (forms.InsuranceForm, gettext_lazy("insurance")),
    "maintenance": (forms.MaintenanceForm, gettext_lazy("maintenance return")),
    "accessory": (forms.AccessoryForm, gettext_lazy("accessory")),
    "referral": (forms.ReferralForm, gettext_lazy("referral")),
}


def _item_save(kind: str, form, owner: Customer, user: User) -> None:
    data = dict(form.cleaned_data)
    if kind == "vehicle":
        source = data.pop("source")
        services.vehicle_add(customer=owner, source=source, fields=data, by=user)
    elif kind == "insurance":
        services.insurance_add(vehicle=data.pop("vehicle"), fields=data)
    elif kind == "maintenance":
        services.maintenance_add(vehicle=data.pop("vehicle"), fields=data)
    elif kind == "accessory":
        services.accessory_add(customer=owner, fields=data)
    else:
        services.referral_add(owner=owner, prospect=data["prospect"], referred_on=data["referred_on"])


@allowed(permissions.may_work_customers)
def owner_item_add(request, pk, kind):
    """Add a vehicle, an insurance year, a maintenance return, an accessory or a referral to the card."""
    owner = selectors.get_owner_for_user(request.user, pk, today=timezone.localdate())
    if kind not in ITEM_FORMS:
        raise Http404
    form_class, label = ITEM_FORMS[kind]
    extra = {"user": request.user} if kind == "referral" else {}
    form = form_class(request.POST or None, customer=owner, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            _item_save(kind, form, owner, request.user)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("owners:owner_detail", pk=owner.pk)
    return render(request, "owners/item_form.html", {"owner": owner, "form": form, "label": label, "kind": kind})


@allowed(permissions.may_work_customers)
def delivery_record(request, pk):
    customer = get_customer_for_user(request.user, pk)
    if not customer.may_take_delivery:
        messages.error(request, _("Only a customer with an order can take delivery."))
        return redirect("owners:owner_list")
    form = forms.DeliveryForm(request.POST or None, initial={"car_model": customer.car_model_id, "colour": customer.colour_id})
    if request.method == "POST" and form.is_valid():
        vehicle = dict(form.cleaned_data)
        submission_key = vehicle.pop("submission_key", None)
        try:
            services.delivery_record(customer=customer, by=request.user, vehicle=vehicle, submission_key=submission_key)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delivery recorded: %(name)s is now an owner.") % {"name": customer.name})
            return redirect("owners:owner_detail", pk=customer.pk)
    return render(request, "owners/delivery_form.html", {"customer": customer, "form": form})


# --- Defeated customers ---------------------------------------------------------------------------


@allowed(permissions.may_work_customers)
def defeated_list(request):
    form = forms.DefeatedFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    defeated = selectors.defeated_for_user(request.user, filters=filters)
    return render(request, "owners/defeated_list.html", {
        "form": form, "page": _page(request, defeated),
    })


@allowed(permissions.may_work_customers)
@require_POST
def defeated_reactivate(request, pk):
    customer = selectors.get_defeated_for_user(request.user, pk)
    services.defeated_reactivate(customer=customer, by=request.user, note=request.POST.get("note", "")[:200])
    messages.success(request, _("%(name)s is a prospect again.") % {"name": customer.name})
    return redirect_back(request, "owners:defeated_list")


# --- Handover and deactivation --------------------------------------------------------------------


@allowed(permissions.may_hand_over)
def handover(request):
    """Move one customer, a selection, or all of a consultant's customers (with their open tasks)."""
    source = request.POST if request.method == "POST" else request.GET
    visible = customers_for_user(request.user)
    from_user = None
    if source.get("from_user"):
        from_user = get_object_or_404(consultants_visible_to(request.user), pk=source.get("from_user"))
        customers = visible.filter(consultant=from_user)
    else:
        ids = [value for value in source.getlist("customer") if value.isdigit()]
        if not ids:
            raise Http404
        customers = visible.filter(pk__in=ids)
        if customers.count() != len(set(ids)):
            raise Http404
    customers = customers.select_related("consultant").order_by("pk")
    selected = [value for value in source.getlist("selected") if value.isdigit()]
    form = forms.HandoverForm(request.POST or None, user=request.user, exclude=from_user)
    if request.method == "POST" and form.is_valid():
        chosen = customers.filter(pk__in=selected) if from_user and source.get("scope") == "selected" else customers
        moved = services.customers_handover(
            customers=list(chosen), to=list(form.cleaned_data["to"]), reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"], by=request.user,
        )
        messages.success(request, _("%(count)d customers handed over.") % {"count": moved})
        if from_user is not None:
            return redirect("owners:user_deactivate", pk=from_user.pk)
        first = customers.first()
        return redirect("owners:owner_detail", pk=first.pk) if first and first.status == Customer.Status.DELIVERED else redirect("owners:owner_list")
    return render(request, "owners/handover_form.html", {
        "form": form, "from_user": from_user, "customers": customers[:500], "count": customers.count(),
        "open_tasks": Task.objects.filter(customer__in=customers, status__in=Task.PENDING).count(),
        "ids": source.getlist("customer"), "selected": set(selected),
    })


def _deactivatable(user: User):
    if user.sees_whole_dealership:
        return User.objects.exclude(pk=user.pk)
    if user.is_showroom_manager:
        return consultants_visible_to(user)
    raise Http404


@allowed(permissions.may_deactivate_users)
def user_deactivate(request, pk):
    target = get_object_or_404(_deactivatable(request.user), pk=pk)
    customers, tasks = services.user_holdings(target)
    if request.method == "POST":
        try:
            services.user_deactivate(user=target, by=request.user)
        except services.StillAssigned as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(user)s is deactivated.") % {"user": target})
            return redirect("owners:user_deactivate", pk=target.pk)
    return render(request, "owners/user_deactivate.html", {
        "target": target, "customers": customers, "tasks": tasks,
    })


# --- Import ---------------------------------------------------------------------------------------

SESSION_KEY = "owners_import"


@allowed(permissions.may_import_customers)
def import_upload(request):
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
def import_confirm(request):
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
def import_template(request):
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="customer_import_template.xlsx"'
    return response


# --- Care milestones ------------------------------------------------------------------------------


@allowed(permissions.may_edit_care_plan)
def milestone_edit(request):
    formset = forms.MilestoneFormSet(request.POST or None, queryset=CareMilestone.objects.all())
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Care plan saved."))
        return redirect("owners:milestone_edit")
    return render(request, "owners/milestone_edit.html", {"formset": formset})
