"""The visit register, the phone register and the duty roster: every change, one function each (atomic).

What the registers are and which paper forms they mirror: docs/domain.md, "Registers".
"""

import uuid
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from leads.models import CarModel, Channel, Colour, Contact, Customer, DutySlot, PhoneCall, TestDrive, Visit
from leads.phones import normalise_phone
from leads.register_selectors import customer_with_phone, has_earlier_showroom_visit
from leads.selectors import customers_for_user
from leads.services import contact_log, create_once, customer_create

# Namespace of the stable submission keys of the contacts that register rows record (uuid5 of "visit-<pk>").
REGISTER_CONTACT_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")


def register_contact_key(kind: str, pk: int) -> uuid.UUID:
    """The one contact a register row may record: a row completed twice (or posted twice at once) records it once."""
    return uuid.uuid5(REGISTER_CONTACT_NAMESPACE, f"{kind}-{pk}")


def _contact_worker(customer: Customer, *candidates: User) -> User | None:
    """Who records the contact of a known customer's return visit or phone-in: the first candidate who
    may work the customer, or None (no contact; the row still counts as a visit or a call).

    - An open prospect (active, ordered, pending defeat): the customer's own consultant or holder, or a
      manager who sees them. An active prospect's contact sets the grade and the next task; an ordered
      one keeps grade O (`contact_log` regrades active prospects only) and the weekly task moves on.
    - An owner or a defeated customer walking in or calling is **not** opened as a prospect again
      (that is the consultant's decision: `owners.services.customer_reopen`). The contact is recorded,
      grade and status kept, when the candidate is the customer's own consultant; a manager who only
      sees the card records nothing in the consultant's stead.
    """
    for user in candidates:
        if user is None or not (user.is_consultant or user.is_manager):
            continue
        if not customer.is_open and user.pk != customer.consultant_id:
            continue
        if customers_for_user(user).filter(pk=customer.pk).exists():
            return user
    return None


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


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
    known = customer_with_phone(phone) if phone else None

    def create() -> Visit:
        return Visit.objects.create(
            visit_date=visit_date,
            arrived_at=arrived_at,
            party_size=party_size,
            consultant=consultant,
            customer_consultant_id=known.consultant_id if known else None,
            phone=phone,
            # S only when the customer already has a completed showroom visit (docs/domain.md, "Registers").
            is_first_visit=not (known and has_earlier_showroom_visit(known.pk)),
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
    licence_checked: bool = False,
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
    first_completion = visit.completed_at is None
    attached_existing = False
    if visit.customer_id is None:
        visit.customer, created = _customer_for(
            phone=phone,
            fields={"name": name, "grade": grade, "channel": channel, "car_model": car_model, "colour": colour},
            consultant=visit.consultant,
            by=by,
            intake=Customer.Intake.WALK_IN,
            on=visit.visit_date,
        )
        attached_existing = not created
    if visit.customer_id is not None:
        # F/S from the customer's earlier completed showroom visits, not from the card's existence.
        visit.is_first_visit = not has_earlier_showroom_visit(visit.customer_id, before=visit)
        if visit.customer_consultant_id is None:
            visit.customer_consultant_id = visit.customer.consultant_id
        if not visit.customer.may_regrade:  # an ordered, delivered or defeated customer keeps their grade
            grade = visit.customer.grade
    now = timezone.now()
    completed = {
        "left_at": left_at, "name": name, "phone": phone, "grade": grade, "channel": channel, "car_model": car_model,
        "colour": colour, "discussion": discussion, "test_drive": test_drive,
        "completed_at": visit.completed_at or now, "updated_by": by, "updated_at": now, "version": visit.version + 1,
    }
    for field_name, value in completed.items():
        setattr(visit, field_name, value)
    visit.save(update_fields=[
        *completed, "arrived_at", "party_size", "consultant", "customer", "is_first_visit", "customer_consultant",
    ])
    _test_drive_sync(visit, by=by, licence_checked=licence_checked)
    if first_completion and attached_existing:
        _visit_contact(visit, by=by)
    return visit


def _test_drive_sync(visit: Visit, *, by: User, licence_checked: bool) -> None:
    """A row ticked "test drive" has its test-drive record (the figure counts records), credited to the
    row's consultant; a tick taken back removes it (the record's history keeps it)."""
    record = TestDrive.objects.filter(visit=visit).first()
    if not visit.test_drive:
        if record is not None:
            record.delete()
        return
    record = record or TestDrive(visit=visit, source=TestDrive.Source.WALK_IN, created_by=by)
    record.customer_id, record.consultant_id, record.car_model_id = visit.customer_id, visit.consultant_id, visit.car_model_id
    record.driven_at = _aware(visit.visit_date, visit.arrived_at)
    record.licence_checked = licence_checked
    record.save()


def _visit_contact(visit: Visit, *, by: User) -> None:
    """A return visit of a known prospect is a follow-up: one showroom contact, when `by` may work the customer.

    Someone else's customer gets no contact by the wrong person (the visit still counts as their return visit).
    """
    customer = Customer.objects.get(pk=visit.customer_id)
    worker = _contact_worker(customer, by)
    if worker is None:
        return
    contact_log(
        customer=customer, by=worker, contacted_at=_aware(visit.visit_date, visit.left_at),
        method=Contact.Method.SHOWROOM, content=visit.discussion, grade_after=visit.grade, origin=Contact.Origin.VISIT,
        submission_key=register_contact_key("visit", visit.pk),
    )


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
        call = PhoneCall.objects.create(
            call_date=call_date, called_at=called_at, is_new_caller=is_new, consultant=consultant, customer=customer,
            name=name, phone=phone, car_model=car_model, content=content, channel=channel,
            grade=grade if is_new or customer.may_regrade else customer.grade,  # an ordered customer stays O
            created_by=by, submission_key=submission_key,
        )
        if not is_new:
            # A known caller's phone-in is a follow-up, by whoever may work the customer (the logger, or the
            # call's consultant when they are the customer's own); in the same transaction as the row.
            known = Customer.objects.get(pk=customer.pk)
            worker = _contact_worker(known, by, consultant if consultant.pk == known.consultant_id else None)
            if worker is not None:
                contact_log(
                    customer=known, by=worker, contacted_at=_aware(call_date, called_at), method=Contact.Method.PHONE,
                    content=content, grade_after=grade, origin=Contact.Origin.CALL,
                    submission_key=register_contact_key("call", call.pk),
                )
        return call

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
