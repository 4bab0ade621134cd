"""Prospect progress control sheet (潜在客户进度管制表): a consultant's prospects, one row each, with the
planned (task due) and actual (contact) days of the month laid over it."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from accounts.visibility import scope_to_user
from followups.models import Task
from leads.models import Contact, Customer
from reports.periods import days_between, local_days, month_first, month_last

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
    planned: bool = False
    actual: bool = False
    overdue: bool = False

    @property
    def mark(self) -> str:
        """Planned ○, done ●, missed ✕ (as on the paper sheet)."""
        if self.overdue:
            return "✕"
        if self.actual:
            return "●"
        if self.planned:
            return "○"
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
    """Lay the planned (task due) and actual (contact) dates of these customers (rows already chosen
    by `progress_prospects`) over the month: two queries whatever the number of rows."""
    start, end = month_first(month), month_last(month)
    today = timezone.localdate()
    ids = [c.pk for c in customers]
    planned = _planned(ids, start, end, today)
    actual = _actual(ids, start, end)
    days = days_between(start, end)
    rows = []
    for customer in customers:
        plan, done = planned[customer.pk], actual[customer.pk]
        cells = [ProgressCell(day=d, planned=d in plan, actual=d in done, overdue=plan.get(d, False)) for d in days]
        late = customer.next_followup_on is not None and customer.next_followup_on < today
        rows.append(ProgressRow(customer=customer, cells=cells, next_due_overdue=late))
    return ProgressSheet(consultant=consultant, month=start, days=days, rows=rows, today=today)


def _planned(ids: list[int], start: date, end: date, today: date) -> dict[int, dict[date, bool]]:
    """{customer id: {due day: missed}} of the prospect tasks due in the month (cancelled ones left out)."""
    planned: dict[int, dict[date, bool]] = defaultdict(dict)
    tasks = (
        Task.objects.filter(customer_id__in=ids, kind__in=Task.PROSPECT_KINDS, due_on__range=(start, end))
        .exclude(status=Task.Status.CANCELLED)
        .values_list("customer_id", "due_on", "status")
    )
    for customer_id, due_on, status in tasks:
        missed = status in Task.PENDING and due_on < today
        planned[customer_id][due_on] = planned[customer_id].get(due_on, False) or missed
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
