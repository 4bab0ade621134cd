"""The owner list and card, an owner added directly, items added to the card, and delivery."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from leads.models import Customer
from leads.selectors import get_customer_for_user
from leads.services import TransitionError
from owners import forms, selectors, services

ITEM_FORMS = {
    "vehicle": (forms.VehicleAddForm, gettext_lazy("vehicle")),
    "insurance": (forms.InsuranceForm, gettext_lazy("insurance")),
    "maintenance": (forms.MaintenanceForm, gettext_lazy("maintenance return")),
    "accessory": (forms.AccessoryForm, gettext_lazy("accessory")),
    "referral": (forms.ReferralForm, gettext_lazy("referral")),
}


@allowed(permissions.may_work_customers)
def owner_list(request: HttpRequest) -> HttpResponse:
    form = forms.OwnerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    owners = selectors.owners_for_user(request.user, today=timezone.localdate(), filters=filters)
    page = Paginator(owners, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "owners/owner_list.html", {"form": form, "page": page})


@allowed(permissions.may_work_customers)
def owner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    owner = selectors.owner_card(request.user, pk, today=today)
    return render(request, "owners/owner_detail.html", {
        "owner": owner,
        "vehicles": owner.vehicle_list,
        "accessories": owner.accessory_list,
        "referrals": owner.referral_list,
        "consultant_history": owner.consultant_history,
        "status_history": owner.status_history,
        "care_tasks": owner.care_tasks,
        "coming_milestones": selectors.coming_milestones(owner, today=today),
        "item_kinds": ITEM_FORMS,
    })


@allowed(permissions.may_work_customers)
def owner_create(request: HttpRequest) -> HttpResponse:
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
def owner_item_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
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
def delivery_record(request: HttpRequest, pk: int) -> HttpResponse:
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


@allowed(permissions.may_work_customers)
def customer_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner (trade-in, second car, family, conquest) or a defeated customer opened as a prospect again."""
    customer = get_customer_for_user(request.user, pk)
    if not customer.may_reopen:
        messages.error(request, _("Only an owner or a defeated customer can be opened as a prospect again."))
        return redirect("leads:customer_detail", pk=customer.pk)
    initial = {"grade": Customer.Grade.N, "reason": "trade_in" if customer.is_owner else "conquest"}
    if request.GET.get("reason") in services.REOPEN_REASONS:
        initial["reason"] = request.GET["reason"]
    form = forms.ReopenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_reopen(customer=customer, by=request.user, **form.cleaned_data)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is a prospect again.") % {"name": customer.name})
            return redirect("leads:customer_detail", pk=customer.pk)
    return render(request, "owners/reopen_form.html", {"customer": customer, "form": form})


urlpatterns = [
    path("<int:pk>/reopen/", customer_reopen, name="customer_reopen"),
    path("", owner_list, name="owner_list"),
    path("new/", owner_create, name="owner_create"),
    path("<int:pk>/", owner_detail, name="owner_detail"),
    path("<int:pk>/add/<slug:kind>/", owner_item_add, name="owner_item_add"),
    path("deliver/<int:pk>/", delivery_record, name="delivery_record"),
]
