"""The daily job, rule sets and the weekly H-grade list (docs/domain.md, "Follow-ups").

The prospect's one open task is kept by `followups.scheduling`.
"""

import time
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from followups import rules, scheduling
from followups.models import GradeRule, HListEntry, RunLog, RuleSet, Task
from leads.models import Contact, Customer
from leads.services import contact_log, customer_lock, customer_reschedule, customer_save

BATCH = 2000


@transaction.atomic
def rule_set_activate(*, rule_set: RuleSet, by: User) -> int:
    """Make `rule_set` the active one and recompute every open prospect's next due date."""
    RuleSet.objects.filter(is_active=True).exclude(pk=rule_set.pk).update(is_active=False)
    RuleSet.objects.filter(pk=rule_set.pk).update(is_active=True)
    return prospects_reschedule(by=by)


def prospects_reschedule(*, by: User) -> int:
    """Recompute the open task of every scheduled prospect (after the active rules changed)."""
    cadences = scheduling.active_cadences()
    today = timezone.localdate()
    ids = list(Customer.objects.filter(status__in=Customer.SCHEDULED_STATUSES).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        for customer in Customer.objects.filter(pk__in=ids[start:start + BATCH]):
            customer_reschedule(customer=customer, by=by, today=today, cadences=cadences)
    return len(ids)


def _missing_prospect_tasks(as_of: date) -> int:
    """Open prospects without their open task get one (healing a gap; the constraint keeps it single).

    The task is the customer's next follow-up from now on, so it is dated as of `as_of` (never a
    past run's day: an appointment already past today does not become the task). Its date is kept as
    its first `PlannedDate`, as `scheduling.prospect_task_reschedule` keeps the dates it sets.
    """
    cadences = scheduling.active_cadences()
    pending = Task.objects.filter(customer=OuterRef("pk"), kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    created = 0
    last_pk = 0
    while True:
        batch = list(
            Customer.objects.filter(status__in=Customer.SCHEDULED_STATUSES, pk__gt=last_pk)
            .filter(~Exists(pending))
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return created
        last_pk = batch[-1].pk
        rows = []
        for customer in batch:
            cadence = cadences.get(customer.grade)
            if cadence is None:
                continue
            due = scheduling.prospect_due(customer, cadence, today=as_of)
            rows.append(
                Task(
                    customer=customer, kind=due.kind, due_on=due.on, assignee_id=customer.consultant_id,
                    status=Task.Status.OVERDUE if due.on < as_of else Task.Status.OPEN,
                    reason=customer.next_followup_reason,
                )
            )
        before = Task.objects.filter(customer__in=batch, status__in=Task.PENDING).count()
        Task.objects.bulk_create(rows, ignore_conflicts=True)
        created += Task.objects.filter(customer__in=batch, status__in=Task.PENDING).count() - before
        # Their first date is a planned date like any other (the progress sheet's ○).
        scheduling.planned_dates_record(
            Task.objects.filter(customer__in=batch, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
        )


def _mark_overdue(as_of: date) -> int:
    return Task.objects.filter(status=Task.Status.OPEN, due_on__lt=as_of).update(status=Task.Status.OVERDUE)


def _close_orphans() -> int:
    """Prospect tasks of customers no longer worked as prospects are cancelled."""
    return scheduling.tasks_cancel(
        Task.objects.filter(kind__in=Task.PROSPECT_KINDS).exclude(customer__status__in=Customer.SCHEDULED_STATUSES)
    )


def _close_resolved_escalations(as_of: date) -> int:
    """An escalation is done once its customer is no longer overdue by a day as of `as_of`."""
    still_late = Task.objects.filter(
        customer=OuterRef("customer_id"), kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING,
        due_on__lte=as_of - timedelta(days=1),
    )
    return (
        Task.objects.filter(kind=Task.Kind.ESCALATION, status__in=Task.PENDING)
        .filter(~Exists(still_late))
        .update(status=Task.Status.DONE, closed_at=timezone.now())
    )


def _escalate(day: date) -> int:
    """An H or A prospect overdue by a day or more goes to the team's showroom manager, once per episode."""
    open_escalation = Task.objects.filter(customer=OuterRef("customer_id"), kind=Task.Kind.ESCALATION, status__in=Task.PENDING)
    overdue = (
        Task.objects.filter(
            kind__in=Task.PROSPECT_KINDS,
            status__in=Task.PENDING,
            due_on__lte=day - timedelta(days=1),
            customer__grade__in=[Customer.Grade.H, Customer.Grade.A],
            customer__status=Customer.Status.ACTIVE,
            # A customer a manager holds is not escalated: the manager is the escalation.
            assignee__role=User.Role.CONSULTANT,
            assignee__team__manager__isnull=False,
        )
        .filter(~Exists(open_escalation))
        .values_list("customer_id", "assignee__team__manager_id", "due_on")
    )
    rows = [
        Task(customer_id=customer_id, kind=Task.Kind.ESCALATION, due_on=day, assignee_id=manager_id,
             reason=_("Overdue since %(day)s") % {"day": due_on.isoformat()})
        for customer_id, manager_id, due_on in overdue.iterator()
    ]
    before = Task.objects.filter(kind=Task.Kind.ESCALATION, due_on=day).count()
    Task.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return Task.objects.filter(kind=Task.Kind.ESCALATION, due_on=day).count() - before


# Further steps of the daily job register here: callables (day) -> number of tasks created.
# The owners' care plan adds its step in owners/apps.py.
EXTRA_STEPS: list = []


def followups_run_daily(*, day: date) -> RunLog:
    """The daily job for `day`. Safe to run twice, late, or concurrently: the task constraints forbid duplicates.

    A run for a past day (`run_followups --date`, a late or redelivered message) never judges
    "overdue" by that day's view, so running for `day` and then today leaves the prospects' tasks
    and the escalations exactly as today's run alone would:

    - The **state of now** is judged as of `as_of = max(day, today)` (today: `timezone.localdate()`):
      an escalation is closed only if its prospect is no longer overdue *today*; a missing prospect
      task is dated from today; open tasks due before today are marked overdue.
    - The **dated steps** (`EXTRA_STEPS`: care plan, birthdays, insurance, revisits) create the tasks
      due in the week up to `day`, what beat would have created that morning (marked overdue, being
      past). They may reach a few days further back than today's week; nothing else differs.
    - **Escalations** are created only by a run for today or a later day, due on `day`: a past run
      escalates nothing, so no escalation is back-dated; the next run for today makes them.

    A run for a future day (by hand) judges everything as of that day, as before.

    The `RunLog` row is written when the run starts and completed (`finished_at`, counts) when it
    ends: a run that was cut short stays visible as unfinished.
    """
    today = timezone.localdate()
    as_of = max(day, today)
    run = RunLog.objects.create(day=day, started_at=timezone.now())
    clock = time.monotonic()
    run.closed = _close_orphans() + _close_resolved_escalations(as_of)
    run.created = _missing_prospect_tasks(as_of) + sum(step(day) for step in EXTRA_STEPS)
    run.marked_overdue = _mark_overdue(as_of)
    run.escalated = _escalate(day) if day >= today else 0
    run.duration_ms = int((time.monotonic() - clock) * 1000)
    run.finished_at = timezone.now()
    run.save(update_fields=["closed", "created", "marked_overdue", "escalated", "duration_ms", "finished_at"])
    return run


@transaction.atomic
def rule_set_save(*, form, formset, by: User) -> int | None:
    """Save a rule set's fields and grade rules; if it is the active set, recompute open prospects."""
    rule_set = form.save()
    formset.save()
    if rule_set.is_active:
        return rule_set_activate(rule_set=rule_set, by=by)
    return None


@transaction.atomic
def rule_set_copy(*, source: RuleSet, name: str) -> RuleSet:
    """A new, inactive rule set with the same grade rules and grading help as `source`."""
    copy = RuleSet.objects.create(
        name=name, description=source.description, defeat_revisit_days=source.defeat_revisit_days, is_active=False
    )
    GradeRule.objects.bulk_create(
        GradeRule(
            rule_set=copy, grade=r.grade, first_within_days=r.first_within_days, times=r.times, per_days=r.per_days,
            expected_purchase=r.expected_purchase, criteria=r.criteria,
        )
        for r in source.rules.all()
    )
    return copy


# --- The weekly H-grade list -----------------------------------------------------------------------

class HListRefused(Exception):
    """A change of a week's H-grade list the rules refuse; `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def _h_list_week_open(week_start: date, *, today: date) -> None:
    if not rules.h_list_week_is_open(week_start, today=today):
        raise HListRefused(
            _("The week of %(week)s is over: its H-grade list stays as it was committed.") % {"week": week_start.isoformat()}
        )


def _h_list_expected_day(week_start: date, expected_on: date, *, today: date, changed: bool) -> None:
    first, last = rules.h_list_expected_range(week_start)
    if changed:
        first = max(first, today)
    if not first <= expected_on <= last:
        raise HListRefused(
            _("The expected signing day must be between %(first)s and %(last)s.") % {"first": first.isoformat(), "last": last.isoformat()},
            field="expected_on",
        )


def _h_list_reason(grade: str, reason: str) -> None:
    if grade != Customer.Grade.H and not reason.strip():
        raise HListRefused(_("Say why this A-grade prospect is expected to sign this week."), field="reason")


@transaction.atomic
def h_list_entry_add(
    *, customer: Customer, week_start: date, expected_on: date, by: User, reason: str = "", note: str = "",
    today: date | None = None,
) -> HListEntry:
    """Put an active H prospect (or an A prospect, with the reason) on the list of the current or next week,
    stamped with its holder and grade of now. The customer row is locked so the stamp is what it is."""
    today = today or timezone.localdate()
    _h_list_week_open(week_start, today=today)
    if not rules.h_list_week_may_be_committed(week_start, today=today):
        raise HListRefused(_("Customers are put on this week's or next week's H-grade list."), field="week")
    customer = customer_lock(customer)
    if customer.status != Customer.Status.ACTIVE or customer.grade not in HListEntry.GRADES:
        raise HListRefused(_("Only an active H or A prospect can be put on the H-grade list."), field="customer")
    _h_list_reason(customer.grade, reason)
    _h_list_expected_day(week_start, expected_on, today=today, changed=True)
    if HListEntry.objects.filter(customer=customer, week_start=week_start).exists():
        raise HListRefused(
            _("%(name)s is already on the H-grade list of the week of %(week)s.")
            % {"name": customer.name, "week": week_start.isoformat()},
            field="customer",
        )
    entry = HListEntry(
        week_start=week_start, customer=customer, consultant_id=customer.consultant_id, grade=customer.grade,
        expected_on=expected_on, reason=reason.strip(), note=note.strip(), added_by=by,
    )
    entry._history_user = by
    entry.save()
    return entry


@transaction.atomic
def h_list_entry_update(
    *, entry: HListEntry, expected_on: date, reason: str, by: User, note: str | None = None, today: date | None = None
) -> HListEntry:
    """Move the expected signing day, or change the reason (and, for a manager, the note), while the week is open."""
    today = today or timezone.localdate()
    entry = HListEntry.objects.select_for_update().get(pk=entry.pk)
    _h_list_week_open(entry.week_start, today=today)
    _h_list_reason(entry.grade, reason)
    _h_list_expected_day(entry.week_start, expected_on, today=today, changed=expected_on != entry.expected_on)
    entry.expected_on, entry.reason = expected_on, reason.strip()
    fields = ["expected_on", "reason"]
    if note is not None:
        entry.note = note.strip()
        fields.append("note")
    entry._history_user = by
    entry.save(update_fields=fields)
    return entry


@transaction.atomic
def h_list_entry_remove(*, entry: HListEntry, by: User, today: date | None = None) -> None:
    """Take a customer off a week's list before the week ends; the history keeps the row and who took it off."""
    today = today or timezone.localdate()
    entry = HListEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if entry is None:
        return  # taken off already (a form sent twice)
    _h_list_week_open(entry.week_start, today=today)
    entry._history_user = by
    entry.delete()


# --- Working a task from the today page ------------------------------------------------------------

class TaskWorkError(Exception):
    """A task that cannot be worked (already closed, or closed another way)."""


RETRY_AHEAD_DAYS = 365


@transaction.atomic
def task_work(*, task: Task, by: User, contacted_at, method: str, content: str, result: str = "") -> Contact:
    """Close a calendar task (care, birthday, insurance, revisit) by the contact that worked it.

    The task is claimed with a conditional update (pending -> done) before the contact is written, so
    a task worked twice at once records one contact: the second call raises `TaskWorkError`.
    """
    if task.is_prospect_task or task.kind == Task.Kind.ESCALATION:
        raise TaskWorkError(_("This task is closed by logging a contact on the customer."))
    claimed = Task.objects.filter(pk=task.pk, status__in=Task.PENDING).update(
        status=Task.Status.DONE, closed_at=timezone.now()
    )
    if not claimed:
        raise TaskWorkError(_("This task has already been closed."))
    customer = customer_lock(Customer(pk=task.customer_id))
    contact = contact_log(
        customer=customer, by=by, contacted_at=contacted_at, method=method, content=content, result=result,
        grade_after=customer.grade, next_followup_on=None, next_followup_reason="",
    )
    Task.objects.filter(pk=task.pk).update(contact=contact)
    task.status, task.contact = Task.Status.DONE, contact
    return contact


@transaction.atomic
def task_retry(*, task: Task, by: User, on: date, reason: str = "") -> Task:
    """The customer was not reached: the task stays open, due on `on`, with the reason noted on it.

    The new date is kept as a planned date (the one it replaces marked replaced). A prospect's task is
    their next follow-up, so the card's `next_followup_on` moves with it, in this transaction; the
    customer row is locked first, as `contact_log` does, then the task.
    """
    today = timezone.localdate()
    if not today <= on <= today + timedelta(days=RETRY_AHEAD_DAYS):
        raise TaskWorkError(_("Try again today or on a later day, at most a year ahead."))
    customer = customer_lock(Customer(pk=task.customer_id)) if task.is_prospect_task else None
    locked = Task.objects.select_for_update().filter(pk=task.pk, status__in=Task.PENDING).first()
    if locked is None:
        raise TaskWorkError(_("This task has already been closed."))
    same_day = Task.objects.filter(customer_id=locked.customer_id, kind=locked.kind, due_on=on).exclude(pk=locked.pk)
    if not locked.is_prospect_task and same_day.exists():
        raise TaskWorkError(_("The customer already has this task on that day."))
    note = _("Not reached on %(day)s") % {"day": today.isoformat()}
    if reason.strip():
        note = f"{note}: {reason.strip()}"
    locked.reason = "; ".join(filter(None, [locked.reason, note]))[: Task._meta.get_field("reason").max_length]
    locked.due_on, locked.status = on, Task.Status.OPEN
    locked.save(update_fields=["reason", "due_on", "status"])
    scheduling.planned_date_move(task=locked, on=on, today=today, by=by, reason=note)
    if customer is not None and locked.is_prospect_task:
        customer.next_followup_on = on
        customer_save(customer, by, ["next_followup_on"])
    return locked
