"""Daily activity report (营业活动日报表): each consultant's figures of a day and of the month to date.

One grouped query per source table (visits, phone-ins, new prospects, tasks, orders, deliveries,
defeats), each giving a day and a month-to-date count per consultant; the page and the `.xlsx` both
lay out this one object (`reports.daily_tables`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import scope_to_user
from followups.models import Task
from leads.models import Customer, CustomerChange, Order, PhoneCall, Visit
from reports import events
from reports.grouping import Figures, consultant_rows, merged, per_key
from reports.periods import day_start, local_days, month_first

GRADES = [grade.value for grade in Customer.Grade]  # O H A B C N

# The figures of a row, in the order of the page's columns.
FIGURES = (
    "first_visits",  # visits marked first (F) on the register
    "return_visits",  # visits marked repeat (S)
    "phone_ins",
    "new_prospects",  # customers first contacted in the period, whatever their intake…
    *[f"new_prospects_{grade}" for grade in GRADES],  # …by the grade given when the card was made
    "followups_done",
    "followups_due",
    "followups_overdue",
    "test_drives",
    "orders",
    "deliveries",
    "defeats",
)
# A point-in-time figure: "overdue at the start of the day" has no month-to-date sum.
NO_MONTH_TO_DATE = {"followups_overdue"}
EVERYTHING = Q()


@dataclass
class DailyRow:
    label: str
    consultant: User | None
    day: dict[str, int]
    mtd: dict[str, int | None]


@dataclass
class DailyReport:
    day: date
    month_start: date
    rows: list[DailyRow]
    total: DailyRow


def daily_activity(*, user: User, day: date) -> DailyReport:
    start = month_first(day)
    figures = merged(source(user, day, start) for source in SOURCES)
    rows = [_row(str(c), c, figures.get(c.pk, {})) for c in consultant_rows(user, figures.keys())]
    return DailyReport(day=day, month_start=start, rows=rows, total=_total(rows))


def _row(label: str, consultant: User | None, figures: dict[str, int]) -> DailyRow:
    return DailyRow(
        label=label,
        consultant=consultant,
        day={key: figures.get(f"{key}__day", 0) for key in FIGURES},
        mtd={key: None if key in NO_MONTH_TO_DATE else figures.get(f"{key}__mtd", 0) for key in FIGURES},
    )


def _total(rows: list[DailyRow]) -> DailyRow:
    return DailyRow(
        label=_("Total"),
        consultant=None,
        day={key: sum(r.day[key] for r in rows) for key in FIGURES},
        mtd={key: None if key in NO_MONTH_TO_DATE else sum(r.mtd[key] for r in rows) for key in FIGURES},
    )


def _day_and_mtd(lookup: str, day: date, start: date, metrics: dict[str, Q]) -> dict[str, Count]:
    """For each metric, a conditional count on the day and one over the month to date."""
    on_day, to_date = Q(**{lookup: day}), Q(**{f"{lookup}__range": (start, day)})
    aggregates = {}
    for name, condition in metrics.items():
        aggregates[f"{name}__day"] = Count("id", filter=on_day & condition)
        aggregates[f"{name}__mtd"] = Count("id", filter=to_date & condition)
    return aggregates


def _visits(user: User, day: date, start: date) -> Figures:
    visits = scope_to_user(Visit.objects.filter(visit_date__range=(start, day)), user)
    return per_key(visits, "consultant", _day_and_mtd("visit_date", day, start, {
        "first_visits": Q(is_first_visit=True),
        "return_visits": Q(is_first_visit=False),
        "test_drives": Q(test_drive=True),
    }))


def _phone_ins(user: User, day: date, start: date) -> Figures:
    calls = scope_to_user(PhoneCall.objects.filter(call_date__range=(start, day)), user)
    return per_key(calls, "consultant", _day_and_mtd("call_date", day, start, {"phone_ins": EVERYTHING}))


def _initial_grade() -> Coalesce:
    """The grade a customer was given when the card was made: the first grade history row."""
    first_grade = (
        CustomerChange.objects.filter(customer=OuterRef("pk"), field=CustomerChange.Field.GRADE)
        .order_by("changed_at", "id")
        .values("new_value")[:1]
    )
    return Coalesce(Subquery(first_grade), F("grade"))


def _new_prospects(user: User, day: date, start: date) -> Figures:
    """New prospects by initial grade, on the day and month to date: one GROUP BY (consultant, initial
    grade), so the initial-grade subquery runs once per customer (not once per grade and period)."""
    rows = (
        scope_to_user(Customer.objects.filter(first_contact_on__range=(start, day)), user)
        .annotate(initial_grade=_initial_grade())
        .order_by()
        .values("consultant", "initial_grade")
        .annotate(on_day=Count("id", filter=Q(first_contact_on=day)), to_date=Count("id"))
    )
    figures: Figures = {}
    for row in rows:
        counts = figures.setdefault(row["consultant"], {})
        for period, value in (("day", row["on_day"]), ("mtd", row["to_date"])):
            for key in ("new_prospects", f"new_prospects_{row['initial_grade']}"):
                counts[f"{key}__{period}"] = counts.get(f"{key}__{period}", 0) + value
    return figures


def _followups(user: User, day: date, start: date) -> Figures:
    """Tasks done (closed that day), due (that day, not cancelled) and overdue at the start of the day
    (due before it and not closed before it), in one query."""
    starts = day_start(day)
    open_at_start = Q(due_on__lt=day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=starts))
    done = Q(status=Task.Status.DONE)
    not_cancelled = ~Q(status=Task.Status.CANCELLED)
    tasks = scope_to_user(Task.objects.all(), user, consultant_field="assignee").filter(
        (local_days("closed_at", start, day) & done)
        | Q(due_on__range=(start, day))
        # open_at_start, as two index-friendly branches
        | Q(due_on__lt=day, closed_at__isnull=True)
        | Q(due_on__lt=day, closed_at__gte=starts)
    )
    return per_key(tasks, "assignee", {
        "followups_done__day": Count("id", filter=done & Q(closed_at__date=day)),
        "followups_done__mtd": Count("id", filter=done & Q(closed_at__date__range=(start, day))),
        "followups_due__day": Count("id", filter=not_cancelled & Q(due_on=day)),
        "followups_due__mtd": Count("id", filter=not_cancelled & Q(due_on__range=(start, day))),
        "followups_overdue__day": Count("id", filter=open_at_start),
    })


def _orders(user: User, day: date, start: date) -> Figures:
    orders = scope_to_user(Order.objects.filter(ordered_on__range=(start, day)), user)
    return per_key(orders, "consultant", _day_and_mtd("ordered_on", day, start, {"orders": EVERYTHING}))


def _deliveries(user: User, day: date, start: date) -> Figures:
    return per_key(
        events.deliveries(user).filter(delivered_on__range=(start, day)),
        "order__consultant",
        _day_and_mtd("delivered_on", day, start, {"deliveries": EVERYTHING}),
    )


def _defeats(user: User, day: date, start: date) -> Figures:
    return per_key(
        events.approved_defeats(user).filter(local_days("decided_at", start, day)),
        "customer__consultant",
        _day_and_mtd("decided_at__date", day, start, {"defeats": EVERYTHING}),
    )


# One grouped query each, keyed by consultant id.
SOURCES: tuple[Callable[[User, date, date], Figures], ...] = (_visits, _phone_ins, _new_prospects, _followups, _orders, _deliveries, _defeats)
