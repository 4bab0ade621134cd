"""Handing customers over (换手/接手) and deactivating a user: a manager's pages."""

from django.contrib import messages
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
from staff import services
from staff.forms import HandoverForm


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
        moved = services.customers_handover(
            customers=chosen, to=list(form.cleaned_data["to"]), reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"], by=request.user,
        )
        messages.success(request, _("%(count)d customers handed over.") % {"count": moved})
        return _after_handover(request, chosen, from_user)
    return render(request, "staff/handover_form.html", {
        "form": form, "from_user": from_user, "customers": customers[:500], "count": customers.count(),
        "open_tasks": Task.objects.filter(customer__in=customers, status__in=Task.PENDING).count(),
        "ids": source.getlist("customer"), "selected": set(selected), "next": safe_next(request),
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

