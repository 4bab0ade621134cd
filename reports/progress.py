"""Prospect progress control sheet (潜在客户进度管制表): a consultant's prospects, one row each, with the
planned and actual (contact) days of the month laid over it.

Planned days are the `followups.PlannedDate` rows: every date a prospect task was given, including the
ones a reschedule or postponement later replaced. A contact made after the planned date of the task it
completed is a late contact."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from accounts.visibility import scope_to_user
from followups.models import PlannedDate, Task
from leads.models import Contact, Customer
from reports.periods import days_between, local_days, month_first, month_last

# `?print=all` lays every row of the sheet on one page to print, up to this many (a note says when cut).
PRINT_MAX_ROWS = 1000

GRADE_RANK = Case(
    *[When(grade=g, then=Value(i)) for i, g in enumerate(Customer.Grade.values)], output_field=IntegerField()
)


def progress_prospects(*, user: User, consultant: User) -> QuerySet[Customer]:
    """The consultant's prospects still being worked, hottest grade first (rows of the sheet)."""
    customers = scope_to_user(Customer.objects.filter(consultant=consultant), user)
    return (
        customers.filter(status__in=Customer.OPEN_STATUSES)
        .select_related("car_model", "channel")
        .annotate(grade_rank=GRADE_RANK)
        .order_by("grade_rank", F("next_followup_on").asc(nulls_last=True), "pk")
    )


@dataclass
class ProgressCell:
    day: date
    planned: bool = False  # a date planned that day is (or was, when it closed) the task's date
    replaced: bool = False  # a date planned that day was later replaced (rescheduled or postponed)
    actual: bool = False
    late: bool = False  # a contact that day came after the planned date of the task it completed
    overdue: bool = False

    @property
    def mark(self) -> str:
        """Planned ○, planned then moved △, done ●, done late ▲, missed ✕ (as on the paper sheet)."""
        if self.overdue:
            return "✕"
        if self.late:
            return "▲"
        if self.actual:
            return "●"
        if self.planned:
            return "○"
        if self.replaced:
            return "△"
        return ""


@dataclass
class ProgressRow:
    customer: Customer
    cells: list[ProgressCell]
    next_due_overdue: bool


@dataclass
class ProgressSheet:
    consultant: User
    month: date
    days: list[date]
    rows: list[ProgressRow]
    today: date


def progress_sheet(*, consultant: User, month: date, customers: list[Customer]) -> ProgressSheet:
    """Lay the planned dates and actual (contact) days of these customers (rows already chosen by
    `progress_prospects`) over the month: two queries whatever the number of rows."""
    start, end = month_first(month), month_last(month)
    today = timezone.localdate()
    ids = [c.pk for c in customers]
    planned = _planned(ids, start, end, today)
    actual = _actual(ids, start, end)
    days = days_between(start, end)
    rows = []
    for customer in customers:
        plan, done = planned[customer.pk], actual[customer.pk]
        cells = [
            ProgressCell(
                day=d, planned=d in plan.current, replaced=d in plan.replaced, actual=d in done,
                late=d in done and d in plan.late_contacts, overdue=d in plan.missed,
            )
            for d in days
        ]
        late = customer.next_followup_on is not None and customer.next_followup_on < today
        rows.append(ProgressRow(customer=customer, cells=cells, next_due_overdue=late))
    return ProgressSheet(consultant=consultant, month=start, days=days, rows=rows, today=today)


@dataclass
class _Plan:
    current: set[date] = field(default_factory=set)  # planned days that stayed their task's date
    replaced: set[date] = field(default_factory=set)  # planned days later moved to another date
    missed: set[date] = field(default_factory=set)  # planned days passed without the contact
    late_contacts: set[date] = field(default_factory=set)  # contact days later than the date they met


def _planned(ids: list[int], start: date, end: date, today: date) -> dict[int, _Plan]:
    """{customer id: _Plan} from the planned dates of the month of these customers' prospect tasks, one
    query. A cancelled task's last date is left out; a date replaced once already past counts as missed."""
    planned: dict[int, _Plan] = defaultdict(_Plan)
    rows = (
        PlannedDate.objects.filter(
            task__customer_id__in=ids, task__kind__in=Task.PROSPECT_KINDS, planned_on__range=(start, end)
        )
        .exclude(task__status=Task.Status.CANCELLED, replaced_on__isnull=True)
        .annotate(contact_day=TruncDate("task__contact__contacted_at"))
        .order_by()
        .values_list("task__customer_id", "planned_on", "replaced_on", "task__status", "contact_day")
    )
    for customer_id, planned_on, replaced_on, status, contact_day in rows:
        plan = planned[customer_id]
        if replaced_on is not None:
            plan.replaced.add(planned_on)
            if replaced_on > planned_on:
                plan.missed.add(planned_on)
            continue
        plan.current.add(planned_on)
        if status in Task.PENDING and planned_on < today:
            plan.missed.add(planned_on)
        if contact_day is not None and contact_day > planned_on:
            plan.late_contacts.add(contact_day)
    return planned


def _actual(ids: list[int], start: date, end: date) -> dict[int, set[date]]:
    """{customer id: the days of the month with a contact}."""
    actual: dict[int, set[date]] = defaultdict(set)
    contacts = (
        Contact.objects.filter(local_days("contacted_at", start, end), customer_id__in=ids)
        .annotate(day=TruncDate("contacted_at"))
        .order_by()  # without the model's ordering, DISTINCT is over (customer, day) only
        .values_list("customer_id", "day")
        .distinct()
    )
    for customer_id, day in contacts:
        actual[customer_id].add(day)
    return actual
