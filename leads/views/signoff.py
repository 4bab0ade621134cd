"""The showroom manager's sign-off queue (签字确认) and the consultant's returned cards (docs/domain.md, "Grades").

Every decision is asked twice (issue 14): a first POST without `confirm` answers the confirmation (in
place of the row with htmx, a page of its own without JavaScript), the second with `confirm=yes`
decides. The decided row stays where it was, replaced by a "signed — undo" row; a sign-off can be
taken back by the same manager for `services.UNDO_WINDOW`.
"""

import json
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import User
from accounts.permissions import allowed
from common.redirects import redirect_back, safe_next
from leads import services
from leads.forms.signoff import CardReturnForm, CardsSignForm, SignoffFilterForm
from leads.models import Customer, CustomerChange
from leads.selectors import (
    cards_signed_recently_by,
    customers_for_user,
    get_customer_for_user,
    pending_cards_for,
    returned_cards_for,
    signoff_queue_for,
)

# The event the queue's counters listen to (`hx-trigger="signoffChanged from:body"`).
SIGNOFF_CHANGED = "signoffChanged"


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _with_queue_marks(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """`carried_over`: the card was created before today and is still not signed."""
    return queryset.select_related("consultant__team", "car_model", "colour", "channel").annotate(
        carried_over=ExpressionWrapper(Q(created_at__lt=start_of_today()), output_field=BooleanField())
    )


def _counts(user: User) -> dict[str, int]:
    """The queue's counters in one query: cards pending (whatever the filters) and those from earlier days."""
    return pending_cards_for(user).aggregate(
        pending=Count("pk"), carried_over=Count("pk", filter=Q(created_at__lt=start_of_today()))
    )


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


def _undo_since() -> datetime:
    return timezone.now() - services.UNDO_WINDOW


@allowed(permissions.may_sign_cards)
def signoff_queue(request: HttpRequest) -> HttpResponse:
    filters = SignoffFilterForm(request.user, request.GET or None)
    cards = _with_queue_marks(signoff_queue_for(request.user, **filters.selection()))
    page = Paginator(cards, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "counts": _counts(request.user),
        "return_form": CardReturnForm(),
        "just_signed": list(cards_signed_recently_by(request.user, since=_undo_since())[: settings.PAGE_SIZE]),
    }
    return render(request, "leads/signoff_queue.html", context)


@allowed(permissions.may_sign_cards)
def signoff_counts(request: HttpRequest) -> HttpResponse:
    """The queue's counters alone, redrawn by htmx after each decision."""
    return render(request, "leads/_signoff_counts.html", {"counts": _counts(request.user)})


def _decided_response(request: HttpRequest, customer: Customer, decided: str) -> HttpResponse:
    """The decided row in place of the row (htmx), with the event that refreshes the counters."""
    response = render(request, "leads/_signoff_row_gone.html", {
        "card": customer, "decided": decided,
        "undoable": decided == "signed" and services.card_sign_undoable(customer, request.user),
    })
    response["HX-Trigger"] = json.dumps({SIGNOFF_CHANGED: _counts(request.user)})
    return response


def _queue_card(request: HttpRequest, pk: int) -> Customer:
    return get_customer_for_user(request.user, pk, queryset=_with_queue_marks(Customer.objects.all()))


@allowed(permissions.may_sign_cards)
@require_POST
def card_sign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _queue_card(request, pk)
    if not _confirmed(request):
        if request.htmx:
            return render(request, "leads/_signoff_row.html", {"card": customer, "confirming": "sign", "return_form": CardReturnForm()})
        return render(request, "leads/signoff_return.html", {"card": customer, "decision": "sign", "next": safe_next(request) or ""})
    customer = services.card_sign(customer=customer, by=request.user)
    if request.htmx:
        return _decided_response(request, customer, "signed")
    messages.success(request, _("Card of %(name)s signed.") % {"name": customer.name})
    return redirect_back(request, reverse("leads:signoff_queue"))


@allowed(permissions.may_sign_cards)
@require_POST
def card_sign_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one's own sign-off (within services.UNDO_WINDOW): the card is pending again."""
    customer = _queue_card(request, pk)
    try:
        customer = services.card_sign_undo(customer=customer, by=request.user)
    except services.TransitionError as error:
        if request.htmx:
            return render(request, "leads/_signoff_row_gone.html", {"card": customer, "error": str(error)})
        messages.error(request, str(error))
        return redirect_back(request, reverse("leads:signoff_queue"))
    if request.htmx:
        customer = _queue_card(request, pk)  # with the queue's marks again
        response = render(request, "leads/_signoff_row.html", {"card": customer, "return_form": CardReturnForm()})
        response["HX-Trigger"] = json.dumps({SIGNOFF_CHANGED: _counts(request.user)})
        return response
    messages.success(request, _("Sign-off of %(name)s undone: the card is pending again.") % {"name": customer.name})
    return redirect_back(request, reverse("leads:signoff_queue"))


@allowed(permissions.may_sign_cards)
@require_POST
def cards_sign(request: HttpRequest) -> HttpResponse:
    """Sign the ticked cards at once (one POST, one transaction). Asked first, like one card; a card the
    user may not see refuses the whole request, one signed meanwhile is left as it is."""
    form = CardsSignForm(customers_for_user(request.user), request.POST)
    back = safe_next(request) or reverse("leads:signoff_queue")
    if not form.is_valid():
        for error in form.errors.get("cards", []):
            messages.error(request, error)
        return redirect(back)
    cards = form.cleaned_data["cards"]
    if not _confirmed(request):
        chosen = _with_queue_marks(cards).order_by("-created_at", "-pk")
        return render(request, "leads/signoff_return.html", {"decision": "bulk", "cards": chosen, "next": back})
    signed = services.cards_sign(customers=cards, by=request.user)
    if signed:
        messages.success(request, ngettext("%(count)d card signed.", "%(count)d cards signed.", len(signed)) % {"count": len(signed)})
    else:
        messages.info(request, _("The ticked cards were signed already."))
    return redirect(back)


@allowed(permissions.may_sign_cards)
@require_http_methods(["GET", "POST"])
def card_return(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _queue_card(request, pk)
    form = CardReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _confirmed(request):
        try:
            services.card_return(customer=customer, by=request.user, comment=form.cleaned_data["comment"])
        except services.TransitionError as error:
            if request.htmx:
                return render(request, "leads/_signoff_row_gone.html", {"card": customer, "error": str(error)})
            messages.error(request, str(error))
        else:
            if request.htmx:
                return _decided_response(request, customer, "returned")
            messages.success(request, _("Card of %(name)s returned to %(consultant)s.") % {
                "name": customer.name, "consultant": customer.consultant,
            })
        return redirect_back(request, reverse("leads:signoff_queue"))
    confirming = "return" if request.method == "POST" and form.is_valid() else ""
    if request.htmx:
        return render(request, "leads/_signoff_row.html", {"card": customer, "return_form": form, "confirming": confirming})
    return render(request, "leads/signoff_return.html", {
        "card": customer, "form": form, "decision": "return", "confirming": confirming, "next": safe_next(request) or "",
    })


@allowed(permissions.may_work_customers)
def returned_cards(request: HttpRequest) -> HttpResponse:
    """Cards sent back with the manager's comment, waiting to be fixed (the consultant's own; a manager's team)."""
    last_return = CustomerChange.objects.filter(
        customer=OuterRef("pk"), field=CustomerChange.Field.CARD, new_value=Customer.CardStatus.RETURNED
    ).order_by("-changed_at", "-id")
    cards = returned_cards_for(request.user).annotate(
        returned_at=Subquery(last_return.values("changed_at")[:1])
    ).order_by("-returned_at", "-pk")
    page = Paginator(cards, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/signoff_returned.html", {"page": page})


urlpatterns = [
    path("signoff/", signoff_queue, name="signoff_queue"),
    path("signoff/counts/", signoff_counts, name="signoff_counts"),
    path("signoff/sign/", cards_sign, name="cards_sign"),
    path("signoff/returned/", returned_cards, name="returned_cards"),
    path("customers/<int:pk>/sign/", card_sign, name="card_sign"),
    path("customers/<int:pk>/sign/undo/", card_sign_undo, name="card_sign_undo"),
    path("customers/<int:pk>/return/", card_return, name="card_return"),
]
