"""Reads of customers, already scoped to what the user may see (accounts.visibility)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.visibility import scope_to_user
from followups import scheduling
from leads.models import Contact, Customer, CustomerChange, Defeat, Order, PhoneCall, TestDrive, Visit


def customers_for_user(user: User) -> QuerySet[Customer]:
    return scope_to_user(Customer.objects.all(), user)


def get_customer_for_user(user: User, pk: int, *, queryset: QuerySet[Customer] | None = None) -> Customer:
    """The customer, or 404 if it does not exist or the user may not see it (never 403: docs/domain.md, "Visibility")."""
    base = queryset if queryset is not None else Customer.objects.all()
    try:
        return scope_to_user(base, user).get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404


def customer_card(user: User, pk: int) -> Customer:
    """The customer card page's customer with everything it shows preloaded; 404 if not visible."""
    queryset = Customer.objects.select_related(
        "consultant", "car_model", "colour", "channel", "card_signed_by", "created_by", "updated_by"
    ).prefetch_related(
        Prefetch("changes", queryset=CustomerChange.objects.select_related("changed_by")),
        Prefetch("contacts", queryset=Contact.objects.select_related("consultant")),
        Prefetch("visits", queryset=Visit.objects.select_related("consultant", "car_model", "colour").order_by("-visit_date", "-arrived_at")),
        Prefetch("phone_calls", queryset=PhoneCall.objects.select_related("consultant", "car_model").order_by("-call_date", "-called_at")),
        Prefetch("orders", queryset=Order.objects.select_related("car_model", "colour", "consultant", "cancellation")),
        Prefetch("defeats", queryset=Defeat.objects.select_related("reason", "filed_by", "decided_by")),
        Prefetch("test_drives", queryset=TestDrive.objects.select_related("consultant", "car_model")),
        scheduling.open_task_prefetch(),
    )
    return get_customer_for_user(user, pk, queryset=queryset)


def returned_cards_for(user: User) -> QuerySet[Customer]:
    """Cards the showroom manager sent back, waiting for this user (or their team) to fix."""
    return customers_for_user(user).filter(card_status=Customer.CardStatus.RETURNED).select_related("consultant")


def pending_cards_for(user: User) -> QuerySet[Customer]:
    """Cards waiting for sign-off that this user may see (the showroom manager's queue)."""
    return customers_for_user(user).filter(card_status=Customer.CardStatus.PENDING).select_related("consultant")


def signoff_queue_for(user: User, *, consultant: User | None = None, day: date | None = None) -> QuerySet[Customer]:
    """The sign-off queue: pending cards the user may see, newest first, with what a row shows (the
    whole card behind its expand included); `consultant` and `day` (the local date the card was created)
    narrow it."""
    cards = pending_cards_for(user).select_related("consultant__team", "car_model", "colour", "channel")
    if consultant is not None:
        cards = cards.filter(consultant=consultant)
    if day is not None:
        starts = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        cards = cards.filter(created_at__gte=starts, created_at__lt=starts + timedelta(days=1))
    return cards.order_by("-created_at", "-pk")


def cards_signed_recently_by(user: User, *, since: datetime) -> QuerySet[Customer]:
    """Visible cards `user` signed since `since` (the sign-offs they may still undo)."""
    return customers_for_user(user).filter(
        card_status=Customer.CardStatus.SIGNED, card_signed_by=user, card_signed_at__gte=since
    ).order_by("-card_signed_at", "-pk")


def defeats_approved_recently_by(user: User, *, since: datetime) -> QuerySet[Defeat]:
    """Visible defeat requests `user` approved since `since` (the approvals they may still undo)."""
    return defeats_for_user(user).filter(
        status=Defeat.Status.APPROVED, decided_by=user, decided_at__gte=since
    ).order_by("-decided_at", "-pk")


def defeats_for_user(user: User) -> QuerySet[Defeat]:
    """Defeat requests of the customers the user may see, with what the queue shows."""
    return scope_to_user(Defeat.objects.all(), user, consultant_field="customer__consultant").select_related(
        "customer__consultant__team", "reason", "filed_by"
    )


def defeats_to_decide(user: User) -> QuerySet[Defeat]:
    """The defeat requests the user may decide: visible ones not filed by themselves
    (`accounts.permissions.may_decide_defeat` for one request)."""
    return defeats_for_user(user).exclude(filed_by=user)
