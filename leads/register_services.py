"""The visit register, the phone register and the duty roster: every change, one function each (atomic).

What the registers are and which paper forms they mirror: docs/domain.md, "Registers".
"""

import uuid
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from leads.models import CarModel, Channel, Colour, Customer, DutySlot, PhoneCall, Visit
from leads.phones import normalise_phone
from leads.register_selectors import customer_with_phone
from leads.services import create_once, customer_create


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
            updated_by=by,
            updated_at=timezone.now(),
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
    version: int | None = None,
) -> Visit:
    """The consultant completes the row: a new phone makes a walk-in customer card, a known one attaches.

    A repeat visit of someone else's customer attaches without changing (or revealing) that card.
    `arrived_at`, `party_size` and `consultant` are the manager's corrections of reception's part.
    `version` is the row's version when the form was opened: if someone wrote the row since, nothing is
    saved and the error names who and when (docs/domain.md, "Data quality").
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if version is not None and version != visit.version:
        raise ValidationError(_stale_message(visit), code="stale")
    _correct_reception_part(visit, arrived_at=arrived_at, party_size=party_size, consultant=consultant)
    if left_at <= visit.arrived_at:
        raise ValidationError({"left_at": _("The leave time must be after the arrival time.")})
    phone = normalise_phone(phone)
    if visit.customer_id is None:
        visit.customer, visit.is_first_visit = _customer_for(
            phone=phone,
            fields={"name": name, "grade": grade, "channel": channel, "car_model": car_model, "colour": colour},
            consultant=visit.consultant,
            by=by,
            intake=Customer.Intake.WALK_IN,
            on=visit.visit_date,
        )
    now = timezone.now()
    completed = {
        "left_at": left_at, "name": name, "phone": phone, "grade": grade, "channel": channel, "car_model": car_model,
        "colour": colour, "discussion": discussion, "test_drive": test_drive,
        "completed_at": visit.completed_at or now, "updated_by": by, "updated_at": now, "version": visit.version + 1,
    }
    for field_name, value in completed.items():
        setattr(visit, field_name, value)
    visit.save(update_fields=[
        *completed, "arrived_at", "party_size", "consultant", "customer", "is_first_visit",
    ])
    return visit


def _stale_message(visit: Visit) -> str:
    """Who wrote the row after the form was opened, and when."""
    who = visit.updated_by if visit.updated_by_id else _("Someone")
    when = timezone.localtime(visit.updated_at).strftime("%Y-%m-%d %H:%M:%S") if visit.updated_at else ""
    if visit.completed_at and visit.completed_at == visit.updated_at:
        message = _("%(user)s completed this row at %(time)s after you opened it.")
    else:
        message = _("%(user)s changed this row at %(time)s after you opened it.")
    return " ".join([
        message % {"user": who, "time": when},
        _("Your changes were not saved: review the row and enter them again."),
    ])


def _correct_reception_part(visit: Visit, *, arrived_at: time | None, party_size: int | None, consultant: User | None) -> None:
    if arrived_at is not None:
        visit.arrived_at = arrived_at
    if party_size is not None:
        if party_size < 1:
            raise ValidationError({"party_size": _("A party has at least one person.")})
        visit.party_size = party_size
    if consultant is not None:
        _check_consultant(consultant)
        visit.consultant = consultant


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
            call_date=call_date, called_at=called_at, is_new_caller=is_new, consultant=consultant, customer=customer,
            name=name, phone=phone, car_model=car_model, content=content, grade=grade, channel=channel,
            created_by=by, submission_key=submission_key,
        )

    call, _created = create_once(PhoneCall, submission_key, create)
    return call


@transaction.atomic
def duty_set(*, day: date, consultants: list[User], by: User) -> list[DutySlot]:
    """Who is on duty on `day`, in the rotation's order (replaces the day's roster)."""
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
