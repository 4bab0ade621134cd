"""The customer list, the customer card, and the card's own actions (edit, contact, regrade, order)."""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.permissions import allowed
from common import throttle
from common.redirects import safe_next
from followups.grading import grade_guide
from leads import services
from leads.filters import CustomerFilter
from leads.forms.customers import (
    DUPLICATE_NEUTRAL, ContactForm, CustomerCreateForm, CustomerEditForm, OrderForm, RegradeForm, TestDriveForm,
)
from leads.models import Customer, CustomerChange
from leads.paging import CappedPaginator
from leads.selectors import customer_card, customers_for_user, get_customer_for_user

# Session key: submission key of a "new card" form -> the card it created (a resent form redirects).
CREATED_CARDS_SESSION_KEY = "leads_created_cards"
CREATED_CARDS_KEPT = 20



# The customer table's columns: (label, `?sort=` key or "" when the column does not sort).
CUSTOMER_COLUMNS = [
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Phone"), ""),
    (gettext_lazy("Grade"), "grade"),
    (gettext_lazy("Status"), ""),
    (gettext_lazy("Model"), ""),
    (gettext_lazy("Consultant"), "consultant"),
    (gettext_lazy("Next follow-up"), "next_followup"),
    (gettext_lazy("Last contact"), "last_contact"),
    (gettext_lazy("Created"), "created"),
    (gettext_lazy("Card"), ""),
]


def _customer_columns(customer_filter: CustomerFilter) -> list[dict]:
    """The header cells: label, and for a column the user may sort by, the `sort` its link sets (the
    other direction when it is the current order) and the current direction ("asc", "desc" or "")."""
    sortable = {key for key, _label in customer_filter.filters["sort"].extra["choices"]}
    current = customer_filter.current_sort
    columns = []
    for label, key in CUSTOMER_COLUMNS:
        if key not in sortable:
            columns.append({"label": label, "sort": "", "direction": ""})
        elif current == key:
            columns.append({"label": label, "sort": f"-{key}", "direction": "asc"})
        elif current == f"-{key}":
            columns.append({"label": label, "sort": key, "direction": "desc"})
        else:
            columns.append({"label": label, "sort": key, "direction": ""})
    return columns


@allowed(permissions.may_work_customers)
def customer_list(request):
    customers = (
        customers_for_user(request.user)
        .select_related("consultant", "car_model")
        .order_by("-created_at", "-pk")
    )
    params = request.GET.copy()
    search_refused = bool(params.get("q", "").strip()) and throttle.search_refused(request)
    if search_refused:
        del params["q"]
    customer_filter = CustomerFilter(params or None, queryset=customers, user=request.user)
    page = CappedPaginator(customer_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": customer_filter, "page": page, "today": timezone.localdate(), "search_refused": search_refused,
        "columns": _customer_columns(customer_filter),
    }
    template = "leads/_customer_table.html" if request.htmx else "leads/customer_list.html"
    return render(request, template, context)


@allowed(permissions.may_work_customers)
def customer_detail(request, pk):
    customer = customer_card(request.user, pk)
    changes = list(customer.changes.all())
    visits = list(customer.visits.all())
    guide = grade_guide()
    context = {
        "customer": customer,
        "changes": changes,
        "grade_changes": [change for change in changes if change.field == CustomerChange.Field.GRADE],
        "contacts": list(customer.contacts.all()),
        "visits": visits,
        "test_drives": list(customer.test_drives.all()),
        "phone_calls": list(customer.phone_calls.all()),
        "orders": list(customer.orders.all()),
        "open_task": customer.open_tasks[0] if customer.open_tasks else None,
        "grade_guide": guide,
        "grade_help": next((help for help in guide if help.grade == customer.grade), None),
        "today": timezone.localdate(),
    }
    return render(request, "leads/customer_detail.html", context)


def _remember_created(request, submission_key, customer_pk: int) -> None:
    created = request.session.get(CREATED_CARDS_SESSION_KEY, {})
    created[str(submission_key)] = customer_pk
    request.session[CREATED_CARDS_SESSION_KEY] = dict(list(created.items())[-CREATED_CARDS_KEPT:])


def _created_from(request, submission_key) -> int | None:
    return request.session.get(CREATED_CARDS_SESSION_KEY, {}).get(str(submission_key or ""))


@allowed(permissions.may_work_customers)
def customer_create(request):
    if request.method == "POST":
        created_pk = _created_from(request, request.POST.get("submission_key"))
        if created_pk is not None:  # the same form sent again: show the card it made
            return redirect("leads:customer_detail", pk=created_pk)
        form = CustomerCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                customer = services.customer_create(
                    fields=form.service_fields(), consultant=form.chosen_consultant(), by=request.user
                )
            except IntegrityError:
                # Another post took the phone after validation: if it was this user's (the same form sent
                # twice at once), show that card; otherwise the usual duplicate message.
                twin = Customer.objects.filter(phone=form.cleaned_data["phone"], created_by=request.user).first()
                if twin is not None:
                    return redirect("leads:customer_detail", pk=twin.pk)
                form.add_error("phone", DUPLICATE_NEUTRAL)
            else:
                _remember_created(request, form.cleaned_data["submission_key"], customer.pk)
                messages.success(request, _("Card created; it waits for the showroom manager's sign-off."))
                return redirect("leads:customer_detail", pk=customer.pk)
    else:
        form = CustomerCreateForm(user=request.user, initial={"phone": request.GET.get("phone", "")})
    return render(request, "leads/customer_form.html", {"form": form, "grade_guide": grade_guide()})


@allowed(permissions.may_work_customers)
def customer_edit(request, pk):
    customer = get_customer_for_user(request.user, pk)
    if request.method == "POST":
        # The form works on a copy: a refused save must not leave typed values on `customer`.
        form = CustomerEditForm(request.POST, instance=Customer.objects.get(pk=customer.pk), user=request.user)
        if form.is_valid():
            try:
                services.customer_update(
                    customer=customer, fields=form.service_fields(), version=form.cleaned_data["version"], by=request.user
                )
            except services.StaleEdit as stale:
                form.add_error(None, str(stale))
            else:
                messages.success(request, _("Card saved."))
                return redirect("leads:customer_detail", pk=customer.pk)
    else:
        form = CustomerEditForm(instance=customer, user=request.user)
    return render(request, "leads/customer_form.html", {"form": form, "customer": customer})


@allowed(permissions.may_work_customers)
def contact_create(request, pk):
    customer = get_customer_for_user(request.user, pk)
    if request.method == "POST":
        form = ContactForm(request.POST, customer=customer)
        if form.is_valid():
            services.contact_log(customer=customer, by=request.user, **form.cleaned_data)
            messages.success(request, _("Contact logged."))
            return redirect(safe_next(request) or customer_url(customer))
    else:
        form = ContactForm(customer=customer)
    context = {"form": form, "customer": customer, "grade_guide": grade_guide(), "next": safe_next(request) or ""}
    return render(request, "leads/contact_form.html", context)


@allowed(permissions.may_work_customers)
def customer_regrade(request, pk):
    customer = get_customer_for_user(request.user, pk)
    if not customer.may_regrade:
        messages.error(request, _("Only an active prospect can be regraded: an ordered, delivered or defeated card keeps its grade."))
        return redirect(customer_url(customer))
    if request.method == "POST":
        form = RegradeForm(request.POST)
        if form.is_valid():
            try:
                services.customer_regrade(customer=customer, by=request.user, **form.cleaned_data)
            except services.TransitionError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Grade changed."))
                return redirect(customer_url(customer))
    else:
        form = RegradeForm(initial={"grade": customer.grade})
    return render(request, "leads/customer_regrade.html", {"form": form, "customer": customer, "grade_guide": grade_guide()})


@allowed(permissions.may_work_customers)
def order_create(request, pk):
    customer = get_customer_for_user(request.user, pk)
    if request.method == "POST":
        form = OrderForm(request.POST, customer=customer)
        if form.is_valid():
            try:
                services.order_record(
                    customer=customer, by=request.user, fields=form.service_fields(),
                    submission_key=form.cleaned_data["submission_key"],
                )
            except services.TransitionError as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Order recorded; the customer is now grade O."))
            return redirect(customer_url(customer))
    else:
        form = OrderForm(customer=customer)
    return render(request, "leads/order_form.html", {"form": form, "customer": customer})


@allowed(permissions.may_work_customers)
def test_drive_create(request, pk):
    customer = get_customer_for_user(request.user, pk)
    form = TestDriveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.test_drive_record(customer=customer, by=request.user, **form.cleaned_data)
        messages.success(request, _("Test drive recorded."))
        return redirect(customer_url(customer))
    return render(request, "leads/test_drive_form.html", {"form": form, "customer": customer})


def customer_url(customer: Customer) -> str:
    return reverse("leads:customer_detail", args=[customer.pk])


urlpatterns = [
    path("customers/", customer_list, name="customer_list"),
    path("customers/new/", customer_create, name="customer_create"),
    path("customers/<int:pk>/", customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customer_edit, name="customer_edit"),
    path("customers/<int:pk>/contacts/new/", contact_create, name="contact_create"),
    path("customers/<int:pk>/regrade/", customer_regrade, name="customer_regrade"),
    path("customers/<int:pk>/orders/new/", order_create, name="order_create"),
    path("customers/<int:pk>/test-drives/new/", test_drive_create, name="test_drive_create"),
]
