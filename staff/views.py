"""The staff pages of a manager: the people they see, one holder's book, handing customers over (换手/接手)
and deactivating a user."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from accounts.visibility import holders_visible_to, users_deactivatable_by
from common.redirects import safe_next
from followups.models import Task
from leads.models import Customer
from leads.selectors import customers_for_user
from leads.services import TransitionError
from staff import selectors, services
from staff.forms import BookHandoverForm, HandoverForm


def _customers_to_hand_over(user: User, source: QueryDict) -> tuple[User | None, QuerySet[Customer]]:
    """All of one holder's customers (`from_user`: a consultant, or a manager handing them on), or the listed
    ones (`customer`); 404 if any is not visible."""
    visible = customers_for_user(user)
    from_user = None
    if source.get("from_user"):
        if not source["from_user"].isdigit():
            raise Http404
        from_user = get_object_or_404(holders_visible_to(user), pk=source["from_user"])
        customers = visible.filter(consultant=from_user)
    else:
        ids = {value for value in source.getlist("customer") if value.isdigit()}
        if not ids:
            raise Http404
        customers = visible.filter(pk__in=ids)
        if customers.count() != len(ids):
            raise Http404
    return from_user, customers.select_related("consultant").order_by("pk")


def _after_handover(request: HttpRequest, customers: list[Customer], from_user: User | None) -> HttpResponse:
    """Back where the manager started: `next`, else the consultant's deactivation page, else the card."""
    if target := safe_next(request):
        return redirect(target)
    if from_user is not None:
        return redirect("staff:user_deactivate", pk=from_user.pk)
    if len(customers) == 1:
        customer = customers[0]
        return redirect("owners:owner_detail" if customer.is_owner else "leads:customer_detail", pk=customer.pk)
    return redirect("leads:customer_list")


@allowed(permissions.may_hand_over)
def handover(request: HttpRequest) -> HttpResponse:
    """Move one customer, a selection, or all of a consultant's customers (with their open tasks)."""
    source = request.POST if request.method == "POST" else request.GET
    from_user, customers = _customers_to_hand_over(request.user, source)
    selected = [value for value in source.getlist("selected") if value.isdigit()]
    form = HandoverForm(request.POST or None, user=request.user, exclude=from_user)
    if request.method == "POST" and form.is_valid():
        chosen = customers.filter(pk__in=selected) if from_user and source.get("scope") == "selected" else customers
        chosen = list(chosen)
        try:
            _hand_over(request, form, chosen)
        except TransitionError as refusal:
            form.add_error(None, str(refusal))
        else:
            return _after_handover(request, chosen, from_user)
    return render(request, "staff/handover_form.html", {
        "form": form, "from_user": from_user, "customers": customers[:500], "count": customers.count(),
        "open_tasks": Task.objects.filter(customer__in=customers, status__in=Task.PENDING).count(),
        "ids": source.getlist("customer"), "selected": set(selected), "next": safe_next(request),
        "scope": "selected" if source.get("scope") == "selected" else "all",
    })


def _hand_over(request: HttpRequest, form: HandoverForm, customers: list[Customer]) -> int:
    """Call the service with the form's choices and say how many moved; `TransitionError` if it refuses."""
    moved = services.customers_handover(
        customers=customers, to=list(form.cleaned_data["to"]), reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"], by=request.user,
    )
    messages.success(request, _("%(count)d customers handed over.") % {"count": moved})
    return moved


@allowed(permissions.may_open_staff)
def staff_list(request: HttpRequest) -> HttpResponse:
    """The consultants and managers the user sees, with the customers and open tasks each holds."""
    page = Paginator(selectors.staff_for_user(request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.staff_holdings(request.user, page.object_list)
    return render(request, "staff/staff_list.html", {"page": page, "status_columns": selectors.STATUS_COLUMNS})


@allowed(permissions.may_hand_over)
def holder_book(request: HttpRequest, pk: int) -> HttpResponse:
    """One holder's customers by group and open tasks by kind; hand over the ticked ones, a group or all of
    them, then (once the book is empty) deactivate the user."""
    try:
        holder = selectors.get_holder_for_user(request.user, pk)
    except User.DoesNotExist:
        raise Http404
    book = selectors.holder_book(request.user, holder)
    group = request.GET.get("group", "")
    group_filter = selectors.book_group_filter(group)
    if group_filter is None:
        group = ""
    form = BookHandoverForm(
        request.POST or None, user=request.user, holder=holder, customers=book.customers, group=group,
        initial={"scope": BookHandoverForm.GROUP if group else BookHandoverForm.SELECTED},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _hand_over(request, form, form.chosen())
        except TransitionError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(safe_next(request) or request.get_full_path())
    listed = book.customers.filter(group_filter) if group else book.customers
    customers = Paginator(listed, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    tasks = Paginator(book.tasks, settings.PAGE_SIZE).get_page(request.GET.get("tasks_page"))
    may_deactivate = (
        book.total == 0 and holder.is_active and users_deactivatable_by(request.user).filter(pk=holder.pk).exists()
    )
    return render(request, "staff/holder_book.html", {
        "book": book, "holder": holder, "form": form, "group": group, "customers": customers, "tasks": tasks,
        "selected": set(request.POST.getlist("selected")), "may_deactivate": may_deactivate,
        "group_label": next((g.label for g in book.groups if g.key == group), group),
    })


@allowed(permissions.may_deactivate_users)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_deactivatable_by(request.user), pk=pk)
    customers, tasks = services.user_holdings(target)
    if request.method == "POST":
        try:
            services.user_deactivate(user=target, by=request.user)
        except services.Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(user)s is deactivated.") % {"user": target})
            return redirect("staff:user_deactivate", pk=target.pk)
    return render(request, "staff/user_deactivate.html", {
        "target": target, "customers": customers, "tasks": tasks,
        "last_administrator": services.is_last_administrator(target),
    })

