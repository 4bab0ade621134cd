"""The prospect's one open follow-up task: the only module of followups that leads may call.

Leads' services own the customer row; after changing a customer they call
`prospect_task_reschedule(customer=..., today=...)`, which brings the task in line with the rules and
returns the due date, and they write that date on the row in their own save. This module never
writes a customer row. The cadence arithmetic itself is `followups.rules`.
"""

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from followups import rules
from followups.models import GradeRule, PlannedDate, Task
from leads.models import Contact, Customer


def active_cadences() -> dict[str, rules.Cadence]:
    """grade -> Cadence of the active rule set."""
    return {
        rule.grade: rules.Cadence(rule.first_within_days, rule.times, rule.per_days)
        for rule in GradeRule.objects.filter(rule_set__is_active=True)
    }


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _episode(customer: Customer) -> tuple[date, date | None]:
    """The first contact and the last follow-up of the customer's current time as a prospect.

    A card opened as a prospect again (`Customer.reopened_on`: an owner's second car, a defeated
    customer back) starts over: until a contact on or after the reopen day, its first follow-up is
    due by the first-contact rule counted from that day; its earlier contacts belong to its earlier
    time as a prospect (docs/domain.md, "Order, delivery, defeat, handover").
    """
    reopened = customer.reopened_on
    if reopened is not None and (customer.last_contact_on is None or customer.last_contact_on < reopened):
        return reopened, None
    return customer.first_contact_on, customer.last_contact_on


def _earlier_followups(customer: Customer, cadence: rules.Cadence) -> tuple[date, ...]:
    """The contact days before the last one, most recent first, as many as the cadence looks back
    (none from before the card was last opened as a prospect again)."""
    _first, last = _episode(customer)
    if cadence.times < 2 or last is None:
        return ()
    contacts = Contact.objects.filter(customer=customer, contacted_at__lt=day_start(last))
    if customer.reopened_on is not None:
        contacts = contacts.filter(contacted_at__gte=day_start(customer.reopened_on))
    days = (
        contacts
        .annotate(day=TruncDate("contacted_at"))
        .order_by("-day")
        .values_list("day", flat=True)
        .distinct()
    )
    return tuple(days[: cadence.times - 1])


def prospect_due(
    customer: Customer, cadence: rules.Cadence, *, today: date, requested: date | None = None, postponed: bool = False
) -> rules.Due:
    first_contact, last_followup = _episode(customer)
    return rules.next_due(
        cadence,
        first_contact=first_contact,
        last_followup=last_followup,
        earlier_followups=_earlier_followups(customer, cadence),
        appointment=timezone.localdate(customer.appointment_at) if customer.appointment_at else None,
        requested=requested,
        postponed=postponed,
        today=today,
    )


def _close_by(task: Task, contact: Contact) -> None:
    task.status, task.contact, task.closed_at = Task.Status.DONE, contact, timezone.now()
    task.save(update_fields=["status", "contact", "closed_at"])


@transaction.atomic
def prospect_task_reschedule(
    *,
    customer: Customer,
    today: date,
    contact: Contact | None = None,
    requested: date | None = None,
    postponed: bool = False,
    by=None,
    cadences: dict[str, rules.Cadence] | None = None,
) -> date | None:
    """Bring the customer's one open follow-up task in line with the rules; return its due date.

    With `contact`, the pending task is done (completed by that contact) and the next one opened;
    without, the pending task moves to the date the current grade, appointment and rules give.
    A customer who is not scheduled (`Customer.SCHEDULED_STATUSES`) keeps no open task: None.
    `postponed` (a reason was given) lets `requested` push the date past the rule's. Each date the task
    gets is kept as a `PlannedDate` row (by `by`), and the row of the date it replaces is marked replaced.
    """
    pending = (
        Task.objects.select_for_update()
        .filter(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
        .first()
    )
    if pending is not None and contact is not None:
        _close_by(pending, contact)
        pending = None
        # The prospect has been followed up: the manager's escalation of it is resolved at once.
        Task.objects.filter(customer=customer, kind=Task.Kind.ESCALATION, status__in=Task.PENDING).update(
            status=Task.Status.DONE, closed_at=timezone.now()
        )
    if not customer.is_scheduled:
        if pending is not None:
            tasks_cancel(Task.objects.filter(pk=pending.pk))
        return None
    cadence = (cadences or active_cadences()).get(customer.grade)
    if cadence is None:
        return pending.due_on if pending else None
    due = prospect_due(customer, cadence, today=today, requested=requested, postponed=postponed)
    fields = {
        "kind": due.kind, "due_on": due.on, "status": Task.Status.OVERDUE if due.on < today else Task.Status.OPEN,
        "assignee_id": customer.consultant_id, "reason": customer.next_followup_reason,
    }
    if pending is None:
        task = Task.objects.create(customer=customer, **fields)
        _plan(task, due, today=today, by=by, cadence=cadence, customer=customer)
    else:
        Task.objects.filter(pk=pending.pk).update(**fields)
        if pending.due_on != due.on:
            _plan(pending, due, today=today, by=by, cadence=cadence, customer=customer)
    return due.on


def _plan(task: Task, due: rules.Due, *, today: date, by, cadence: rules.Cadence, customer: Customer) -> None:
    """Keep the task's new date as a planned date; the date it replaces is marked replaced today."""
    PlannedDate.objects.filter(task=task, replaced_on__isnull=True).update(replaced_on=today)
    rule_on = prospect_due(customer, cadence, today=today).on if due.postponed else None
    PlannedDate.objects.create(
        task=task, planned_on=due.on, rule_on=rule_on, by=by, reason=customer.next_followup_reason,
        postponed=due.postponed,
    )


def planned_dates_record(tasks: QuerySet[Task]) -> int:
    """The first planned date of tasks created in bulk (the daily job's, which `_plan` does not see):
    one row for each of `tasks` that has none yet, by nobody (the job). Returns the rows written.

    Safe to repeat and to run concurrently: a task has at most one current planned date (constraint
    `one_current_planned_date`), so a second writer's row is dropped.
    """
    has_row = PlannedDate.objects.filter(task=OuterRef("pk"))
    rows = [
        PlannedDate(task_id=pk, planned_on=due_on, reason=reason)
        for pk, due_on, reason in tasks.filter(~Exists(has_row)).order_by("pk").values_list("pk", "due_on", "reason")
    ]
    PlannedDate.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def planned_date_move(*, task: Task, on: date, today: date, by, reason: str) -> None:
    """A task (locked by the caller) moved to `on` by hand ("not reached, try again on…"): the new date
    is kept as a planned date and the one it replaces is marked replaced today."""
    PlannedDate.objects.filter(task=task, replaced_on__isnull=True).update(replaced_on=today)
    PlannedDate.objects.create(task=task, planned_on=on, by=by, reason=reason[:200])


def open_task_prefetch() -> Prefetch:
    """For a customer queryset: `customer.open_tasks`, the list of its one open follow-up task (or empty)."""
    return Prefetch(
        "tasks", queryset=Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING), to_attr="open_tasks"
    )


def tasks_cancel(tasks) -> int:
    return tasks.filter(status__in=Task.PENDING).update(status=Task.Status.CANCELLED, closed_at=timezone.now())


def customer_tasks_cancel(*, customer: Customer) -> int:
    """A defeat or a delivery ends the customer's follow-ups (the caller clears next_followup_on)."""
    return tasks_cancel(Task.objects.filter(customer=customer))
