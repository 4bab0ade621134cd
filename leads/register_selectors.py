"""Reads of the registers: the day's rows with what each user may see of them, totals, the rotation.

Register rows are the dealership's shared paper form: everyone who may open a register sees the
day's rows, but a row's customer details (name, phone, discussion, card) only show to reception, who
writes them, and to whom `accounts.visibility` lets see the row's consultant's work.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from accounts.visibility import consultants_visible_to, scope_to_user
from leads.models import Customer, DutySlot, PhoneCall, Visit
from leads.phones import normalise_phone
from leads.selectors import customers_for_user


def on_duty_candidates() -> QuerySet[User]:
    """Consultants a walk-in or a phone-in can be given to (any active consultant of the showroom)."""
    return User.objects.filter(role=User.Role.CONSULTANT, is_active=True).order_by("last_name", "first_name", "username")


def customer_with_phone(phone: str) -> Customer | None:
    return Customer.objects.filter(phone=phone).only("pk", "consultant_id").first()


def has_earlier_showroom_visit(customer_id: int | None, *, before: Visit | None = None) -> bool:
    """Whether the customer already has a completed Visit (earlier than `before`, when given).

    F/S counts showroom visits only: the first showroom visit of a phone-in or OEM lead is F.
    """
    if customer_id is None:
        return False
    visits = Visit.objects.filter(customer_id=customer_id, completed_at__isnull=False)
    if before is not None:
        visits = visits.exclude(pk=before.pk).filter(
            Q(visit_date__lt=before.visit_date)
            | Q(visit_date=before.visit_date, arrived_at__lt=before.arrived_at)
            | Q(visit_date=before.visit_date, arrived_at=before.arrived_at, pk__lt=before.pk)
        )
    return visits.exists()


def visit_mark_for_phone(raw: str) -> str:
    """"S" when the phone's customer already has a completed showroom visit, else "F". Raises ValidationError for a bad number."""
    phone = normalise_phone(raw)
    customer = customer_with_phone(phone)
    return "S" if customer is not None and has_earlier_showroom_visit(customer.pk) else "F"


def consultant_for_phone(phone: str) -> User | None:
    """The active consultant whose customer has this (normalised) phone; None for an unknown phone.

    Reception may learn this name (to give the party to that consultant), nothing else of the card.
    """
    if not phone:
        return None
    customer = customer_with_phone(phone)
    if customer is None:
        return None
    return User.objects.filter(pk=customer.consultant_id, role=User.Role.CONSULTANT, is_active=True).first()


def visit_notices_for(user: User, *, today: date, days: int = 7) -> list[Visit]:
    """Visits of the user's (or their team's) customers taken by another consultant in the last `days` days."""
    visits = (
        Visit.objects.filter(
            customer_consultant__isnull=False, visit_date__gt=today - timedelta(days=days), visit_date__lte=today
        )
        .exclude(consultant=F("customer_consultant"))
        .select_related("consultant", "customer_consultant", "customer")
        .order_by("-visit_date", "-arrived_at", "-id")
    )
    return list(scope_to_user(visits, user, consultant_field="customer_consultant"))


def duty_for_day(day: date) -> list[DutySlot]:
    return list(DutySlot.objects.filter(day=day).select_related("consultant").order_by("position"))


def rotation_suggest(*, day: date, slots: list[DutySlot] | None = None) -> User | None:
    """The next on-duty consultant after the one who took the day's last party, skipping busy ones.

    Busy: has a party in the showroom now (a visit today with no leave time). None when nobody is on
    duty or everyone on duty is busy.
    """
    slots = duty_for_day(day) if slots is None else slots
    if not slots:
        return None
    visits = Visit.objects.filter(visit_date=day)
    last = visits.order_by("-arrived_at", "-id").values_list("consultant_id", flat=True).first()
    busy = set(visits.filter(left_at__isnull=True).values_list("consultant_id", flat=True))
    order = [slot.consultant_id for slot in slots]
    start = order.index(last) + 1 if last in order else 0
    for offset in range(len(order)):
        slot = slots[(start + offset) % len(order)]
        if slot.consultant_id not in busy and slot.consultant.is_active:
            return slot.consultant
    return None


def _mark_details(rows: list, user: User) -> list:
    """Set `show_details` (name, phone, discussion) and `card_url` on each row for this user."""
    visible_consultants = set(consultants_visible_to(user).values_list("pk", flat=True))
    for row in rows:
        row.consultant_visible = row.consultant_id in visible_consultants
        row.show_details = permissions.may_read_every_register_row(user) or row.consultant_visible
        row.card_url = reverse("leads:customer_detail", args=[row.customer_id]) if (row.customer_id and row.customer_visible) else ""
    return rows


def _customer_visible(user: User):
    return Exists(customers_for_user(user).filter(pk=OuterRef("customer_id")))


def visits_for_day(*, user: User, day: date) -> list[Visit]:
    """The day's register rows with what the page shows, in arrival order."""
    rows = list(
        Visit.objects.filter(visit_date=day)
        .select_related("consultant", "customer_consultant", "channel", "car_model", "colour")
        .annotate(customer_visible=_customer_visible(user))
        .order_by("arrived_at", "id")
    )
    rows = _mark_details(rows, user)
    for row in rows:
        # Both names when the party went to someone else than the customer's own consultant.
        row.other_consultant = (
            row.customer_consultant if row.customer_consultant_id not in (None, row.consultant_id) else None
        )
        # The rows a user may complete are those of the consultants whose work they see.
        row.editable = row.consultant_visible
    return rows


def calls_for_day(*, user: User, day: date) -> list[PhoneCall]:
    rows = list(
        PhoneCall.objects.filter(call_date=day)
        .select_related("consultant", "channel", "car_model")
        .annotate(customer_visible=_customer_visible(user))
        .order_by("called_at", "id")
    )
    return _mark_details(rows, user)


def visits_to_complete(user: User, *, today: date, days: int = 7) -> list[Visit]:
    """The user's own register rows of the last `days` days that wait for the consultant's part."""
    since = today - timedelta(days=days - 1)
    return list(
        Visit.objects.filter(consultant=user, completed_at__isnull=True, visit_date__range=(since, today))
        .order_by("-visit_date", "-arrived_at", "-pk")
    )


def get_visit_for_completion(user: User, pk: int) -> Visit:
    """A consultant's own row, a manager's team's row (all for the sales manager); otherwise 404."""
    try:
        return scope_to_user(Visit.objects.select_related("consultant", "customer"), user).get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404


@dataclass
class Tally:
    label: str
    count: int
    extra: dict = field(default_factory=dict)


def _people(ids) -> dict[int, User]:
    return User.objects.in_bulk(list(ids))


def visit_register_totals(*, day: date) -> dict:
    """The totals under the day's visit register, computed by the database."""
    visits = Visit.objects.filter(visit_date=day)
    stay = ExpressionWrapper(F("left_at") - F("arrived_at"), output_field=DurationField())
    totals = visits.aggregate(
        parties=Count("id"),
        people=Sum("party_size"),
        first=Count("id", filter=Q(is_first_visit=True)),
        repeat=Count("id", filter=Q(is_first_visit=False)),
        test_drives=Count("id", filter=Q(test_drive=True)),
        stays=Count("id", filter=Q(left_at__isnull=False)),
        stay_total=Sum(stay, filter=Q(left_at__isnull=False)),
    )
    stay_total = totals.pop("stay_total")
    if isinstance(stay_total, (int, float)):  # some backends return microseconds
        stay_total = timedelta(microseconds=stay_total)
    totals["people"] = totals["people"] or 0
    totals["average_stay_minutes"] = (
        round(stay_total.total_seconds() / 60 / totals["stays"]) if totals["stays"] and stay_total is not None else None
    )
    by_channel = visits.values("channel__code", "channel__name").annotate(count=Count("id")).order_by("channel__code")
    totals["by_channel"] = [
        Tally(f"{row['channel__code']} {row['channel__name']}" if row["channel__code"] else _("not given"), row["count"])
        for row in by_channel
    ]
    by_consultant = list(
        visits.values("consultant")
        .annotate(
            count=Count("id"),
            first=Count("id", filter=Q(is_first_visit=True)),
            repeat=Count("id", filter=Q(is_first_visit=False)),
            test_drives=Count("id", filter=Q(test_drive=True)),
        )
        .order_by("consultant")
    )
    people = _people(row["consultant"] for row in by_consultant)
    totals["by_consultant"] = sorted(
        (
            Tally(str(people[row["consultant"]]), row["count"],
                  {"first": row["first"], "repeat": row["repeat"], "test_drives": row["test_drives"]})
            for row in by_consultant
        ),
        key=lambda tally: (-tally.count, tally.label),
    )
    return totals


def phone_register_totals(*, day: date) -> dict:
    """The totals under the day's phone register: calls, new and known callers, by consultant and channel."""
    calls = PhoneCall.objects.filter(call_date=day)
    totals = calls.aggregate(calls=Count("id"), new=Count("id", filter=Q(is_new_caller=True)))
    totals["known"] = totals["calls"] - totals["new"]
    by_channel = calls.values("channel__code", "channel__name").annotate(count=Count("id")).order_by("channel__code")
    totals["by_channel"] = [
        Tally(f"{row['channel__code']} {row['channel__name']}" if row["channel__code"] else _("not given"), row["count"])
        for row in by_channel
    ]
    by_consultant = list(
        calls.values("consultant")
        .annotate(count=Count("id"), new=Count("id", filter=Q(is_new_caller=True)))
        .order_by("consultant")
    )
    people = _people(row["consultant"] for row in by_consultant)
    totals["by_consultant"] = sorted(
        (Tally(str(people[row["consultant"]]), row["count"], {"new": row["new"]}) for row in by_consultant),
        key=lambda tally: (-tally.count, tally.label),
    )
    return totals
