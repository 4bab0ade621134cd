"""Owners and defeated customers: every change of state, one function each (atomic, with history)."""

import uuid
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from common import bounds
from followups import scheduling
from followups.models import PlannedDate, RuleSet, Task
from leads.models import Customer, CustomerChange, Defeat, NewProspect
from leads.services import (
    TransitionError, change_record, create_once, customer_lock, customer_save, prospect_started, status_change,
)
from owners import care
from owners.models import Accessory, CareMilestone, InsurancePolicy, MaintenanceVisit, Referral, Vehicle
from owners.vin import normalise_vin

# How far back the daily step looks: a day the job did not run is caught up within a week.
CATCH_UP_DAYS = 7


def _vehicle_fields(fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    fields["vin"] = normalise_vin(fields["vin"])
    return fields


def delivery_record(
    *, customer: Customer, by: User, vehicle: dict[str, Any], submission_key: uuid.UUID | None = None
) -> Vehicle:
    """The ordered prospect takes delivery: same card, now an owner (self-sold) with a vehicle, linked
    to the customer's latest order (the vehicle with an order is what the reports count as a delivery)."""
    fields = _vehicle_fields(vehicle)

    def create() -> Vehicle:
        locked = customer_lock(customer)
        if not locked.may_take_delivery:
            raise TransitionError(_("Only a customer with an order can take delivery."))
        order = locked.orders.order_by("-ordered_on", "-pk").first()  # the sale this delivery completes
        created = Vehicle.objects.create(
            customer=locked, order=order, source=Vehicle.Source.SELF_SOLD, created_by=by,
            submission_key=submission_key, **fields,
        )
        scheduling.customer_tasks_cancel(customer=locked)
        status_change(locked, Customer.Status.DELIVERED, by, _("Delivery, VIN %(vin)s") % {"vin": created.vin})
        locked.next_followup_on = None
        customer_save(locked, by, ["status", "next_followup_on"])
        return created

    created, _created = create_once(Vehicle, submission_key, create)
    return created


def owner_create(
    *,
    fields: dict[str, Any],
    vehicle: dict[str, Any],
    source: str,
    consultant: User,
    by: User,
    submission_key: uuid.UUID | None = None,
) -> Customer:
    """An owner who bought elsewhere (or before the CRM) added directly: status delivered, with a vehicle."""
    vehicle_fields = _vehicle_fields(vehicle)

    def create() -> Vehicle:
        today = timezone.localdate()
        customer = Customer.objects.create(
            **fields,
            consultant=consultant,
            status=Customer.Status.DELIVERED,
            first_contact_on=vehicle_fields.get("delivered_on") or today,
            graded_on=today,
            card_status=Customer.CardStatus.SIGNED,
            card_signed_by=by,
            card_signed_at=timezone.now(),
            created_by=by,
            updated_by=by,
        )
        change_record(customer, CustomerChange.Field.STATUS, "", Customer.Status.DELIVERED, by, _("Owner added"))
        return Vehicle.objects.create(
            customer=customer, source=source, created_by=by, submission_key=submission_key, **vehicle_fields
        )

    created, _created = create_once(Vehicle, submission_key, create)
    return created.customer


@transaction.atomic
def vehicle_add(*, customer: Customer, source: str, fields: dict[str, Any], by: User) -> Vehicle:
    return Vehicle.objects.create(customer=customer, source=source, created_by=by, **_vehicle_fields(fields))


@transaction.atomic
def insurance_add(*, vehicle: Vehicle, fields: dict[str, Any]) -> InsurancePolicy:
    policy, _created = InsurancePolicy.objects.update_or_create(vehicle=vehicle, year=fields["year"], defaults=fields)
    return policy


@transaction.atomic
def accessory_add(*, customer: Customer, fields: dict[str, Any]) -> Accessory:
    return Accessory.objects.create(customer=customer, **fields)


@transaction.atomic
def maintenance_add(*, vehicle: Vehicle, fields: dict[str, Any]) -> MaintenanceVisit:
    return MaintenanceVisit.objects.create(vehicle=vehicle, **fields)


@transaction.atomic
def referral_add(*, owner: Customer, prospect: Customer, referred_on: date) -> Referral:
    """The owner brought this prospect; a prospect has one referrer."""
    if owner.pk == prospect.pk:
        raise TransitionError(_("An owner cannot refer themselves."))
    if Referral.objects.filter(prospect=prospect).exists():
        raise TransitionError(_("This prospect already has a referrer."))
    return Referral.objects.create(owner=owner, prospect=prospect, referred_on=referred_on)


@transaction.atomic
def defeated_reactivate(*, customer: Customer, by: User, note: str = "") -> Customer:
    """A defeated customer came back: a prospect again, same card and history, with a new open task."""
    locked = customer_lock(customer)
    if not locked.is_defeated:
        raise TransitionError(_("Only a defeated customer can be reactivated."))
    scheduling.tasks_cancel(Task.objects.filter(customer=locked, kind=Task.Kind.DEFEAT_REVISIT))
    status_change(locked, Customer.Status.ACTIVE, by, note or _("Came back"))
    today = timezone.localdate()
    # The follow-ups start over: the first one is due by the first-contact rule counted from today.
    locked.reopened_on = today
    locked.next_followup_on = scheduling.prospect_task_reschedule(customer=locked, today=today)
    customer_save(locked, by, ["status", "reopened_on", "next_followup_on"])
    prospect_started(locked, on=today, kind=NewProspect.Kind.REOPENED)
    return locked


# --- The daily job's step: care plan, birthdays, insurance renewals and defeat revisits -------------


def _window(day: date) -> tuple[date, date]:
    return day - timedelta(days=CATCH_UP_DAYS - 1), day


def _months_of(*days: date) -> set[int]:
    return {d.month for d in days}


def _care_rows(start: date, end: date) -> list[Task]:
    rows = []
    owners = Vehicle.objects.filter(customer__status=Customer.Status.DELIVERED)
    # A milestone outside the bounds (stored before they existed; `check_data` lists it) is skipped:
    # its date arithmetic would overflow and stop every later run.
    milestones = CareMilestone.objects.filter(
        is_active=True, months__lte=bounds.MILESTONE_MONTHS_MAX, days__lte=bounds.MILESTONE_DAYS_MAX
    )
    for milestone in milestones:
        # Month arithmetic clips to month ends, so look a few days wider and keep the exact hits.
        earliest = start - relativedelta(months=milestone.months) - timedelta(days=milestone.days + 3)
        latest = end - relativedelta(months=milestone.months) - timedelta(days=milestone.days) + timedelta(days=3)
        for customer_id, consultant_id, delivered_on in owners.filter(
            delivered_on__range=(earliest, latest)
        ).values_list("customer_id", "customer__consultant_id", "delivered_on"):
            due = care.milestone_due(delivered_on, months=milestone.months, days=milestone.days)
            if start <= due <= end:
                rows.append(Task(customer_id=customer_id, kind=milestone.kind, due_on=due,
                                 assignee_id=consultant_id, reason=milestone.purpose[:200],
                                 offers_trade_in=milestone.offers_trade_in))
    # Insurance renewal: a month before each purchase anniversary.
    month_before = relativedelta(months=-1)
    months = _months_of(start + relativedelta(months=1), end + relativedelta(months=1), end + relativedelta(months=1, days=3))
    for customer_id, consultant_id, delivered_on in owners.filter(delivered_on__month__in=months).values_list(
        "customer_id", "customer__consultant_id", "delivered_on"
    ):
        for due in care.yearly_in_window(delivered_on, start=start, end=end, offset=month_before):
            rows.append(Task(customer_id=customer_id, kind=Task.Kind.INSURANCE, due_on=due, assignee_id=consultant_id,
                             reason=_("Insurance renewal: purchase anniversary %(on)s")
                             % {"on": (due + relativedelta(months=1)).isoformat()}))
    # Birthdays of owners.
    birthdays = Customer.objects.filter(
        status=Customer.Status.DELIVERED, birthday__isnull=False, birthday__month__in=_months_of(start, end)
    ).values_list("pk", "consultant_id", "birthday")
    for customer_id, consultant_id, birthday in birthdays:
        for year in range(start.year, end.year + 1):
            due = care.birthday_in(birthday, year)
            if start <= due <= end:
                rows.append(Task(customer_id=customer_id, kind=Task.Kind.BIRTHDAY, due_on=due,
                                 assignee_id=consultant_id, reason=_("Birthday")))
    return rows


def _revisit_rows(start: date, end: date) -> list[Task]:
    rule_set = RuleSet.objects.filter(is_active=True).first()
    every = rule_set.defeat_revisit_days if rule_set else 90
    approved = Defeat.objects.filter(customer=OuterRef("pk"), status=Defeat.Status.APPROVED).order_by("-decided_at")
    rows = []
    defeated = (
        Customer.objects.filter(status=Customer.Status.DEFEATED)
        .annotate(defeated_at=Subquery(approved.values("decided_at")[:1]))
        .filter(defeated_at__isnull=False)
        .values_list("pk", "consultant_id", "defeated_at")
    )
    for customer_id, consultant_id, defeated_at in defeated.iterator():
        for due in care.revisits_in_window(timezone.localdate(defeated_at), every_days=every, start=start, end=end):
            rows.append(Task(customer_id=customer_id, kind=Task.Kind.DEFEAT_REVISIT, due_on=due,
                             assignee_id=consultant_id, reason=_("Revisit a defeated customer")))
    return rows


OWNER_TASK_KINDS = (Task.Kind.CARE_MILESTONE, Task.Kind.BIRTHDAY, Task.Kind.INSURANCE, Task.Kind.DEFEAT_REVISIT)


def care_tasks_create(day: date) -> int:
    """The daily job's step: tasks due in the last week up to `day` (a missed day is caught up).

    Idempotent: the unique (customer, kind, due_on) constraint drops a task that already exists, and a
    date a task was moved off is not made again. Each new task's date is kept as its first planned
    date. Returns the number of tasks created.
    """
    start, end = _window(day)
    # A task moved off its date ("not reached, try again on…") keeps that date as a replaced planned
    # date: the date is not made again, or the catch-up would bring back the task just moved.
    moved = set(
        PlannedDate.objects.filter(
            task__kind__in=OWNER_TASK_KINDS, planned_on__range=(start, end), replaced_on__isnull=False
        ).values_list("task__customer_id", "task__kind", "planned_on")
    )
    unique: dict[tuple, Task] = {}
    for row in _care_rows(start, end) + _revisit_rows(start, end):
        key = (row.customer_id, row.kind, row.due_on)
        if key in moved:
            continue
        if key in unique:
            unique[key].reason = f"{unique[key].reason}; {row.reason}"[:200]
            unique[key].offers_trade_in |= row.offers_trade_in
        else:
            row.status = Task.Status.OVERDUE if row.due_on < day else Task.Status.OPEN
            unique[key] = row
    in_window = Task.objects.filter(kind__in=OWNER_TASK_KINDS, due_on__range=(start, end))
    before = in_window.count()
    Task.objects.bulk_create(unique.values(), batch_size=2000, ignore_conflicts=True)
    created = in_window.count() - before
    scheduling.planned_dates_record(in_window.filter(status__in=Task.PENDING))
    return created


# --- An owner or a defeated customer opened as a prospect again -------------------------------------

# Why the card is a prospect again (the note of its status history row names it).
REOPEN_REASONS = {
    "trade_in": _lazy("Trade-in (置换)"),
    "second_car": _lazy("Second car (增购)"),
    "family": _lazy("A family member's car"),
    "conquest": _lazy("Conquest of an other-brand owner"),
}


@transaction.atomic
def customer_reopen(*, customer: Customer, by: User, reason: str, grade: str) -> Customer:
    """An owner (trade-in, second car, a family member's car, conquest) or a defeated customer becomes an
    active prospect again on the same card: vehicles and history kept, the grade set (with its history),
    open defeat revisits cancelled, the row saved once. The follow-ups start over (`reopened_on`): the
    first prospect task is due by the first-contact rule of the grade counted from today, never from the
    old contact dates (which would make it overdue at once)."""
    if reason not in REOPEN_REASONS:
        raise TransitionError(_("Choose why the customer is a prospect again."))
    if grade == Customer.Grade.O or grade not in Customer.Grade.values:
        raise TransitionError(_("Grade O comes only with an order."))
    locked = customer_lock(customer)
    if not locked.may_reopen:
        raise TransitionError(_("Only an owner or a defeated customer can be opened as a prospect again."))
    note = _("Prospect again: %(reason)s") % {"reason": REOPEN_REASONS[reason]}
    today = timezone.localdate()
    scheduling.tasks_cancel(Task.objects.filter(customer=locked, kind=Task.Kind.DEFEAT_REVISIT))
    status_change(locked, Customer.Status.ACTIVE, by, note)
    if locked.grade != grade:
        change_record(locked, CustomerChange.Field.GRADE, locked.grade, grade, by, note)
        locked.grade = grade
    locked.graded_on = today
    locked.reopened_on = today
    locked.next_followup_on = scheduling.prospect_task_reschedule(customer=locked, today=today)
    customer_save(locked, by, ["status", "grade", "graded_on", "reopened_on", "next_followup_on"])
    prospect_started(locked, on=today, kind=NewProspect.Kind.REOPENED)
    return locked
