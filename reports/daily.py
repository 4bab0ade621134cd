"""Daily activity report (营业活动日报表): each consultant's figures of a day and of the month to date.

The event figures come from `reports.figures` (one grouped query per source table, day and month to
date side by side), the follow-up figures from the tasks; the page and the `.xlsx` both lay out this
one object (`reports.daily_tables`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import scope_to_user
from followups.models import Task, TaskHandover
from reports.figures import GRADES, figures
from reports.grouping import Figures, consultant_rows, merged
from reports.periods import day_start, local_days, month_first

# The figures of a row, in the order of the page's columns.
FIGURES = (
    "first_visits",  # visits marked first (F) on the register
    "return_visits",  # visits marked repeat (S)
    "phone_ins",
    "contacts",  # total contacts: logged contacts, visits and phone-ins (reports.figures)
    "new_prospects",  # customers who became prospects in the period, whatever their intake…
    *[f"new_prospects_{grade}" for grade in GRADES],  # …by the grade given then
    "followups_done",
    "followups_due",
    "followups_overdue",
    "test_drives",
    "orders",
    "cancellations",
    "deliveries",
    "defeats",
)
FOLLOW_UPS = {"followups_done", "followups_due", "followups_overdue"}
# A point-in-time figure: "overdue at the start of the day" has no month-to-date sum.
NO_MONTH_TO_DATE = {"followups_overdue"}


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
    events = figures(
        user=user, names=[key for key in FIGURES if key not in FOLLOW_UPS], periods={"day": (day, day), "mtd": (start, day)}
    )
    found = merged([events, _followups(user, day, start)])
    rows = [_row(str(c), c, found.get(c.pk, {})) for c in consultant_rows(user, found.keys())]
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


def _followups(user: User, day: date, start: date) -> Figures:
    """Tasks done (closed that day), due (that day, not cancelled) and overdue at the start of the day
    (due before it and not closed before it), in one query, as the tasks stood on the day.

    A task done stays with whoever closed it. A task due or overdue counts for whoever had it at the
    start of the report day: a later handover (`TaskHandover`) does not move a past day's figure."""
    starts, ends = day_start(day), day_start(day + timedelta(days=1))
    # As the tasks stood then: made by the end of the day (at its start, for overdue), not cancelled by then.
    open_at_start = Q(due_on__lt=day, created_at__lt=starts) & (Q(closed_at__isnull=True) | Q(closed_at__gte=starts))
    done = Q(status=Task.Status.DONE)
    not_cancelled = Q(created_at__lt=ends) & ~Q(status=Task.Status.CANCELLED, closed_at__lt=ends)
    first_handover_since = TaskHandover.objects.filter(task=OuterRef("pk"), at__gte=starts).order_by("at", "pk")
    tasks = _visible_tasks(user, starts).filter(
        (local_days("closed_at", start, day) & done)
        | Q(due_on__range=(start, day))
        # open_at_start, as two index-friendly branches
        | Q(due_on__lt=day, closed_at__isnull=True)
        | Q(due_on__lt=day, closed_at__gte=starts)
    ).annotate(holder=Coalesce(
        Subquery(first_handover_since.values("from_user_id")[:1]), F("assignee_id"), output_field=IntegerField()
    ))
    rows = tasks.order_by().values("assignee", "holder").annotate(
        done_day=Count("id", filter=done & Q(closed_at__date=day)),
        done_mtd=Count("id", filter=done & Q(closed_at__date__range=(start, day))),
        due_day=Count("id", filter=not_cancelled & Q(due_on=day)),
        due_mtd=Count("id", filter=not_cancelled & Q(due_on__range=(start, day))),
        overdue_day=Count("id", filter=open_at_start),
    )
    found: Figures = {}
    for row in rows:
        for key, figure, value in (
            (row["assignee"], "followups_done__day", row["done_day"]),
            (row["assignee"], "followups_done__mtd", row["done_mtd"]),
            (row["holder"], "followups_due__day", row["due_day"]),
            (row["holder"], "followups_due__mtd", row["due_mtd"]),
            (row["holder"], "followups_overdue__day", row["overdue_day"]),
        ):
            counts = found.setdefault(key, {})
            counts[figure] = counts.get(figure, 0) + value
    return found


def _visible_tasks(user: User, since) -> QuerySet[Task]:
    """The tasks of the consultants the user sees, and those handed from them to others since `since`."""
    if user.sees_whole_dealership:
        return Task.objects.all()
    own = scope_to_user(Task.objects.all(), user, consultant_field="assignee").values("pk")
    handed = scope_to_user(TaskHandover.objects.filter(at__gte=since), user, consultant_field="from_user").values("task")
    return Task.objects.filter(Q(pk__in=own) | Q(pk__in=handed))
