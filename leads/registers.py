"""The visit register, the phone register and the reception rotation (SPEC §3).

Services (`visit_add`, `visit_complete`, `phone_call_log`, `duty_set`) change state, atomically;
selectors (`visits_for_day`, `calls_for_day`, `rotation_suggest`, `*_totals`) read it. Register rows
are the dealership's shared paper form: everyone who may open a register sees the day's rows, but a
row's customer details (name, phone, discussion, card) only show to reception, who writes them, and
to whom `accounts.visibility` lets see the row's consultant's work.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import consultants_visible_to, scope_to_user
from leads.models import CarModel, Channel, Colour, Customer, DutySlot, PhoneCall, Visit
from leads.phones import display_phone, normalise_phone
from leads.selectors import customers_for_user
from leads.services import create_once, customer_create

# ---------------------------------------------------------------------------------------------
# Who may do what on the registers (a role that may not: 404, never 403)
# ---------------------------------------------------------------------------------------------


def can_open_registers(user: User) -> bool:
    return user.is_active and (user.is_reception or user.is_consultant or user.is_manager)


def can_add_party(user: User) -> bool:
    """Reception logs walk-ins as they happen; a manager may stand in."""
    return user.is_active and (user.is_reception or user.is_manager)


def can_set_duty(user: User) -> bool:
    return user.is_active and user.is_manager


def on_duty_candidates() -> QuerySet[User]:
    """Consultants a walk-in or a phone-in can be given to (any active consultant of the showroom)."""
    return User.objects.filter(role=User.Role.CONSULTANT, is_active=True).order_by("last_name", "first_name", "username")


def customer_with_phone(phone: str) -> Customer | None:
    return Customer.objects.filter(phone=phone).only("pk", "consultant_id").first()


def visit_mark_for_phone(raw: str) -> str:
    """"F" when no customer has this phone, "S" when one does. Raises ValidationError for a bad number."""
    phone = normalise_phone(raw)
    return "S" if Customer.objects.filter(phone=phone).exists() else "F"


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------


def _check_consultant(consultant: User) -> None:
    if not (consultant.is_consultant and consultant.is_active):
        raise ValidationError({"consultant": _("Choose an active sales consultant.")})


def visit_add(
    *,
    by: User,
    visit_date: date,
    arrived_at: time,
    consultant: User,
    party_size: int = 1,
    phone: str = "",
    submission_key: uuid.UUID | None = None,
) -> Visit:
    """Reception logs a walk-in party; F/S comes from the phone when one is given."""
    if party_size < 1:
        raise ValidationError({"party_size": _("A party has at least one person.")})
    _check_consultant(consultant)
    phone = normalise_phone(phone) if phone else ""

    def create() -> Visit:
        return Visit.objects.create(
            visit_date=visit_date,
            arrived_at=arrived_at,
            party_size=party_size,
            consultant=consultant,
            phone=phone,
            is_first_visit=not (phone and Customer.objects.filter(phone=phone).exists()),
            created_by=by,
            submission_key=submission_key,
        )

    visit, _created = create_once(Visit, submission_key, create)
    return visit


def _customer_for(*, phone: str, fields: dict, consultant: User, by: User, intake: str, on: date) -> tuple[Customer, bool]:
    """The customer who has this phone, or a new card through `customer_create`. Never a duplicate."""
    existing = customer_with_phone(phone)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            customer = customer_create(
                fields={**fields, "phone": phone, "intake": intake}, consultant=consultant, by=by, first_contact_on=on
            )
        return customer, True
    except IntegrityError:
        # Someone saved a card with this phone in the meantime: attach to it.
        existing = customer_with_phone(phone)
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def visit_complete(
    *,
    visit: Visit,
    by: User,
    left_at: time,
    name: str,
    phone: str,
    grade: str,
    channel: Channel | None = None,
    car_model: CarModel | None = None,
    colour: Colour | None = None,
    discussion: str = "",
    test_drive: bool = False,
    arrived_at: time | None = None,
    party_size: int | None = None,
    consultant: User | None = None,
) -> Visit:
    """The consultant completes the row: a new phone makes a walk-in customer card, a known one attaches.

    A repeat visit of someone else's customer attaches without changing (or revealing) that card.
    `arrived_at`, `party_size` and `consultant` are the manager's corrections of reception's part.
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if arrived_at is not None:
        visit.arrived_at = arrived_at
    if party_size is not None:
        if party_size < 1:
            raise ValidationError({"party_size": _("A party has at least one person.")})
        visit.party_size = party_size
    if consultant is not None:
        _check_consultant(consultant)
        visit.consultant = consultant
    if left_at <= visit.arrived_at:
        raise ValidationError({"left_at": _("The leave time must be after the arrival time.")})
    phone = normalise_phone(phone)

    if visit.customer_id is None:
        customer, created = _customer_for(
            phone=phone,
            fields={"name": name, "grade": grade, "channel": channel, "car_model": car_model, "colour": colour},
            consultant=visit.consultant,
            by=by,
            intake=Customer.Intake.WALK_IN,
            on=visit.visit_date,
        )
        visit.customer = customer
        visit.is_first_visit = created
    visit.left_at = left_at
    visit.name = name
    visit.phone = phone
    visit.grade = grade
    visit.channel = channel
    visit.car_model = car_model
    visit.colour = colour
    visit.discussion = discussion
    visit.test_drive = test_drive
    visit.completed_at = visit.completed_at or timezone.now()
    visit.save()
    return visit


def phone_call_log(
    *,
    by: User,
    call_date: date,
    called_at: time,
    consultant: User,
    name: str,
    phone: str,
    grade: str,
    channel: Channel | None = None,
    car_model: CarModel | None = None,
    content: str = "",
    submission_key: uuid.UUID | None = None,
) -> PhoneCall:
    """A phone-in: a new phone makes a phone-in customer card, a known one attaches to its customer."""
    _check_consultant(consultant)
    phone = normalise_phone(phone)

    def create() -> PhoneCall:
        customer, is_new = _customer_for(
            phone=phone,
            fields={"name": name, "grade": grade, "channel": channel, "car_model": car_model},
            consultant=consultant,
            by=by,
            intake=Customer.Intake.PHONE_IN,
            on=call_date,
        )
        return PhoneCall.objects.create(
            call_date=call_date,
            called_at=called_at,
            is_new_caller=is_new,
            consultant=consultant,
            customer=customer,
            name=name,
            phone=phone,
            car_model=car_model,
            content=content,
            grade=grade,
            channel=channel,
            created_by=by,
            submission_key=submission_key,
        )

    call, _created = create_once(PhoneCall, submission_key, create)
    return call


@transaction.atomic
def duty_set(*, day: date, consultants: list[User], by: User) -> list[DutySlot]:
    """Who is on duty on `day`, in the rotation's order (replaces the day's roster)."""
    if not can_set_duty(by):
        raise PermissionError("only a manager sets the duty roster")
    seen = set()
    for consultant in consultants:
        _check_consultant(consultant)
        if consultant.pk in seen:
            raise ValidationError(_("A consultant can be on the roster only once a day."))
        seen.add(consultant.pk)
    DutySlot.objects.filter(day=day).delete()
    return DutySlot.objects.bulk_create(
        [DutySlot(day=day, consultant=consultant, position=index) for index, consultant in enumerate(consultants, 1)]
    )


# ---------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------


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


def _card_url(pk: int) -> str:
    try:
        return reverse("leads:customer_detail", args=[pk])
    except NoReverseMatch:  # the card page is another module's; no link until it exists
        return ""


def _mark_details(rows: list, user: User) -> list:
    """Set `show_details` (name, phone, discussion) and `card_url` on each row for this user."""
    visible_consultants = set(consultants_visible_to(user).values_list("pk", flat=True))
    for row in rows:
        row.consultant_visible = row.consultant_id in visible_consultants
        row.show_details = user.is_reception or row.consultant_visible
        row.phone_display = display_phone(row.phone)
        row.card_url = _card_url(row.customer_id) if (row.customer_id and row.customer_visible) else ""
    return rows


def _customer_visible(user: User):
    return Exists(customers_for_user(user).filter(pk=OuterRef("customer_id")))


def visits_for_day(*, user: User, day: date) -> list[Visit]:
    """The day's register rows with what the page shows, in arrival order."""
    rows = list(
        Visit.objects.filter(visit_date=day)
        .select_related("consultant", "channel", "car_model", "colour")
        .annotate(customer_visible=_customer_visible(user))
        .order_by("arrived_at", "id")
    )
    rows = _mark_details(rows, user)
    for row in rows:
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


def default_time() -> time:
    now = timezone.localtime()
    return now.time().replace(second=0, microsecond=0)


def parse_day(raw: str | None) -> date:
    """The register's day from `?day=`, today when missing or malformed."""
    if raw:
        try:
            return datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            pass
    return timezone.localdate()
