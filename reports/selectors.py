"""The figures of every report, computed in the database (SPEC §6).

Each report is one function returning a plain object that both the page and the `.xlsx` export read.
Figures come from `values(...).annotate(Count(..., filter=Q(...)))`: one aggregate query per table,
grouped by consultant (or channel, reason…); Python only merges those few per-key dicts into rows and
adds the rows up for the total row. Every query is scoped with `accounts.visibility.scope_to_user`
and the rows are the consultants `consultants_visible_to` the user.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.visibility import consultants_visible_to, scope_to_user
from followups.models import Task
from leads.models import Channel, Contact, Customer, CustomerChange, Defeat, Order, PhoneCall, Visit
from reports.models import MonthlyTarget

GRADES = [grade.value for grade in Customer.Grade]  # O H A B C N


# ---------------------------------------------------------------------------------------------
# Periods and access


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(month: date) -> date:
    return month_first(month_first(month) - timedelta(days=1))


def check_report_access(user: User) -> None:
    """Reports are for consultants and managers; anyone else gets 404 (SPEC §1)."""
    if not (user.is_active and (user.is_consultant or user.is_manager)):
        raise Http404


def pct(part: int | None, whole: int | None) -> int | None:
    """Whole-number percentage, or None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return round(part * 100 / whole)


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def local_days(field_name: str, start: date, end: date) -> Q:
    """`field_name` (a datetime) on a local day from `start` to `end`: a range of aware datetimes, which an
    index can serve (the `__date` lookups cast every row to a local date first)."""
    tz = timezone.get_current_timezone()
    return Q(**{
        f"{field_name}__gte": datetime.combine(start, time.min, tzinfo=tz),
        f"{field_name}__lt": datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    })


def _per_key(queryset: QuerySet, key: str, aggregates: dict[str, Any]) -> dict[Any, dict[str, int]]:
    """One GROUP BY query: {key value: {aggregate name: figure}}."""
    rows = queryset.order_by().values(_key=F(key)).annotate(**aggregates)
    return {row.pop("_key"): row for row in rows}


def _consultant_rows(user: User, ids_with_figures) -> list[User]:
    """The report's rows: active consultants the user may see, plus any with figures (left since)."""
    return list(
        consultants_visible_to(user)
        .filter(Q(is_active=True) | Q(pk__in=list(ids_with_figures)))
        .order_by("team__name", "last_name", "first_name", "username")
    )


# ---------------------------------------------------------------------------------------------
# Daily activity report (营业活动日报表)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""


DAILY_COLUMNS = [
    Column("walkins_first", gettext_lazy("First"), gettext_lazy("Walk-ins")),
    Column("walkins_repeat", gettext_lazy("Repeat"), gettext_lazy("Walk-ins")),
    Column("phone_ins", gettext_lazy("Phone-ins"), ""),
    Column("prospects", gettext_lazy("Total"), gettext_lazy("New prospects")),
    *[Column(f"prospects_{grade}", grade, gettext_lazy("New prospects")) for grade in GRADES],
    Column("followups_done", gettext_lazy("Done"), gettext_lazy("Follow-ups")),
    Column("followups_due", gettext_lazy("Due"), gettext_lazy("Follow-ups")),
    Column("followups_overdue", gettext_lazy("Overdue"), gettext_lazy("Follow-ups")),
    Column("test_drives", gettext_lazy("Test drives"), ""),
    Column("orders", gettext_lazy("Orders"), ""),
    Column("deliveries", gettext_lazy("Deliveries"), ""),
    Column("defeats", gettext_lazy("Defeats"), ""),
]
# A point-in-time figure: "overdue at the start of the day" has no month-to-date sum.
NO_MONTH_TO_DATE = {"followups_overdue"}


@dataclass
class DailyRow:
    label: str
    consultant: User | None
    day: dict[str, int]
    mtd: dict[str, int | None]

    def cells(self) -> list[tuple[int, int | None]]:
        return [(self.day[c.key], self.mtd[c.key]) for c in DAILY_COLUMNS]


@dataclass
class DailyReport:
    day: date
    month_start: date
    rows: list[DailyRow]
    total: DailyRow
    columns: list[Column] = field(default_factory=lambda: DAILY_COLUMNS)

    def column_groups(self) -> list[dict[str, Any]]:
        """The first header row: a group over its columns (colspan counts day and month cells)."""
        groups: list[dict[str, Any]] = []
        for column in self.columns:
            if column.group and groups and groups[-1]["grouped"] and groups[-1]["label"] == column.group:
                groups[-1]["colspan"] += 2
            else:
                grouped = bool(column.group)
                groups.append({"label": column.group or column.label, "colspan": 2, "grouped": grouped})
        return groups

    def sheets(self) -> list[tuple[str, list[list], list[list]]]:
        headers = [_("Consultant")]
        for c in self.columns:
            name = f"{c.group} {c.label}".strip()
            headers += [f"{name} ({_('day')})", f"{name} ({_('month to date')})"]
        rows = []
        for row in [*self.rows, self.total]:
            values: list = [row.label]
            for day_value, mtd_value in row.cells():
                values += [day_value, mtd_value]
            rows.append(values)
        title = _("Daily activity %(day)s") % {"day": self.day.isoformat()}
        return [(_("Daily activity"), [[title], headers], rows)]


def _period(lookup: str, day: date, start: date) -> tuple[Q, Q]:
    return Q(**{lookup: day}), Q(**{f"{lookup}__range": (start, day)})


def _day_and_mtd(lookup: str, day: date, start: date, metrics: dict[str, Q]) -> dict[str, Count]:
    """For each metric, a conditional count on the day and one over the month to date."""
    on_day, to_date = _period(lookup, day, start)
    aggregates = {}
    for name, condition in metrics.items():
        aggregates[f"{name}__day"] = Count("id", filter=on_day & condition)
        aggregates[f"{name}__mtd"] = Count("id", filter=to_date & condition)
    return aggregates


def _initial_grade() -> Coalesce:
    """The grade a customer was given when the card was made: the first grade history row."""
    first_grade = (
        CustomerChange.objects.filter(customer=OuterRef("pk"), field=CustomerChange.Field.GRADE)
        .order_by("changed_at", "id")
        .values("new_value")[:1]
    )
    return Coalesce(Subquery(first_grade), F("grade"))


def _new_prospects(user: User, day: date, start: date) -> dict[Any, dict[str, int]]:
    """New prospects by initial grade, on the day and month to date: one GROUP BY (consultant, initial
    grade), so the initial-grade subquery runs once per customer (not once per grade and period)."""
    rows = (
        scope_to_user(Customer.objects.filter(first_contact_on__range=(start, day)), user)
        .annotate(initial_grade=_initial_grade())
        .order_by()
        .values("consultant", "initial_grade")
        .annotate(on_day=Count("id", filter=Q(first_contact_on=day)), to_date=Count("id"))
    )
    figures: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts = figures[row["consultant"]]
        for period, value in (("day", row["on_day"]), ("mtd", row["to_date"])):
            for key in ("prospects", f"prospects_{row['initial_grade']}"):
                counts[f"{key}__{period}"] = counts.get(f"{key}__{period}", 0) + value
    return figures


def daily_activity(*, user: User, day: date) -> DailyReport:
    check_report_access(user)
    start = month_first(day)
    everything = Q()
    sources: list[dict[Any, dict[str, int]]] = []

    visits = scope_to_user(Visit.objects.filter(visit_date__range=(start, day)), user)
    sources.append(_per_key(visits, "consultant", _day_and_mtd("visit_date", day, start, {
        "walkins_first": Q(is_first_visit=True),
        "walkins_repeat": Q(is_first_visit=False),
        "test_drives": Q(test_drive=True),
    })))

    calls = scope_to_user(PhoneCall.objects.filter(call_date__range=(start, day)), user)
    sources.append(_per_key(calls, "consultant", _day_and_mtd("call_date", day, start, {"phone_ins": everything})))

    sources.append(_new_prospects(user, day, start))

    # Tasks: done (closed that day), due (that day, not cancelled) and overdue at the start of the
    # day (due before it and not closed before it), in one query.
    day_starts = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    open_at_start = Q(due_on__lt=day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=day_starts))
    done = Q(status=Task.Status.DONE)
    not_cancelled = ~Q(status=Task.Status.CANCELLED)
    tasks = scope_to_user(Task.objects.all(), user, consultant_field="assignee").filter(
        (local_days("closed_at", start, day) & Q(status=Task.Status.DONE))
        | Q(due_on__range=(start, day))
        # open_at_start, as two index-friendly branches
        | Q(due_on__lt=day, closed_at__isnull=True)
        | Q(due_on__lt=day, closed_at__gte=day_starts)
    )
    sources.append(_per_key(tasks, "assignee", {
        "followups_done__day": Count("id", filter=done & Q(closed_at__date=day)),
        "followups_done__mtd": Count("id", filter=done & Q(closed_at__date__range=(start, day))),
        "followups_due__day": Count("id", filter=not_cancelled & Q(due_on=day)),
        "followups_due__mtd": Count("id", filter=not_cancelled & Q(due_on__range=(start, day))),
        "followups_overdue__day": Count("id", filter=open_at_start),
    }))

    orders = scope_to_user(Order.objects.filter(ordered_on__range=(start, day)), user)
    sources.append(_per_key(orders, "consultant", _day_and_mtd("ordered_on", day, start, {"orders": everything})))

    sources.append(_per_key(
        _deliveries(user).filter(local_days("changed_at", start, day)),
        "customer__consultant",
        _day_and_mtd("changed_at__date", day, start, {"deliveries": everything}),
    ))

    sources.append(_per_key(
        _approved_defeats(user).filter(local_days("decided_at", start, day)),
        "customer__consultant",
        _day_and_mtd("decided_at__date", day, start, {"defeats": everything}),
    ))

    merged: dict[int, dict[str, int]] = defaultdict(dict)
    for source in sources:
        for consultant_id, figures in source.items():
            merged[consultant_id].update(figures)

    def row_for(label: str, consultant: User | None, figures: dict[str, int]) -> DailyRow:
        day_values = {c.key: figures.get(f"{c.key}__day", 0) for c in DAILY_COLUMNS}
        mtd_values = {
            c.key: None if c.key in NO_MONTH_TO_DATE else figures.get(f"{c.key}__mtd", 0) for c in DAILY_COLUMNS
        }
        return DailyRow(label=label, consultant=consultant, day=day_values, mtd=mtd_values)

    rows = [row_for(str(c), c, merged.get(c.pk, {})) for c in _consultant_rows(user, merged.keys())]
    total = DailyRow(
        label=_("Total"),
        consultant=None,
        day={c.key: sum(r.day[c.key] for r in rows) for c in DAILY_COLUMNS},
        mtd={
            c.key: None if c.key in NO_MONTH_TO_DATE else sum(r.mtd[c.key] for r in rows) for c in DAILY_COLUMNS
        },
    )
    return DailyReport(day=day, month_start=start, rows=rows, total=total)


def _deliveries(user: User) -> QuerySet[CustomerChange]:
    """A delivery is the status history row that made the customer an owner."""
    changes = CustomerChange.objects.filter(
        field=CustomerChange.Field.STATUS, new_value=Customer.Status.DELIVERED
    )
    return scope_to_user(changes, user, consultant_field="customer__consultant")


def _approved_defeats(user: User) -> QuerySet[Defeat]:
    defeats = Defeat.objects.filter(status=Defeat.Status.APPROVED)
    return scope_to_user(defeats, user, consultant_field="customer__consultant")


# ---------------------------------------------------------------------------------------------
# Prospect progress control sheet (潜在客户进度管制表)


GRADE_RANK = Case(*[When(grade=g, then=Value(i)) for i, g in enumerate(GRADES)], output_field=IntegerField())


def progress_consultant_for(user: User, consultant_id: int | None) -> User:
    """The consultant whose sheet to show: a consultant always their own; a manager one they may see."""
    check_report_access(user)
    if user.is_consultant:
        if consultant_id not in (None, user.pk):
            raise Http404
        return user
    consultants = consultants_visible_to(user).order_by("team__name", "last_name", "first_name", "username")
    if consultant_id is None:
        first = consultants.filter(is_active=True).first()
        if first is None:
            raise Http404
        return first
    try:
        return consultants.get(pk=consultant_id)
    except User.DoesNotExist:
        raise Http404


def progress_prospects(*, user: User, consultant: User) -> QuerySet[Customer]:
    """The consultant's prospects still being worked, hottest grade first (rows of the sheet)."""
    check_report_access(user)
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

    def sheets(self) -> list[tuple[str, list[list], list[list]]]:
        headers = [
            _("Customer"), _("Grade"), _("Model"), _("Source"), _("First contact"), _("Last contact"),
            _("Next follow-up"), *[str(d.day) for d in self.days],
        ]
        rows = []
        for row in self.rows:
            c = row.customer
            rows.append([
                c.name, c.grade, str(c.car_model or ""), c.channel.code if c.channel else "",
                c.first_contact_on, c.last_contact_on, c.next_followup_on, *[cell.mark for cell in row.cells],
            ])
        title = _("Progress control sheet %(consultant)s %(month)s") % {
            "consultant": self.consultant, "month": f"{self.month:%Y-%m}"
        }
        return [(_("Progress"), [[title], headers], rows)]


def progress_sheet(*, user: User, consultant: User, month: date, customers: list[Customer]) -> ProgressSheet:
    """Lay the planned (task due) and actual (contact) dates of these customers over the month."""
    check_report_access(user)
    start, end = month_first(month), month_last(month)
    today = timezone.localdate()
    ids = [c.pk for c in customers]
    planned: dict[int, dict[date, bool]] = defaultdict(dict)
    tasks = (
        Task.objects.filter(customer_id__in=ids, kind__in=Task.PROSPECT_KINDS, due_on__range=(start, end))
        .exclude(status=Task.Status.CANCELLED)
        .values_list("customer_id", "due_on", "status")
    )
    for customer_id, due_on, status in tasks:
        missed = status in Task.PENDING and due_on < today
        planned[customer_id][due_on] = planned[customer_id].get(due_on, False) or missed
    actual: dict[int, set[date]] = defaultdict(set)
    contacts = (
        Contact.objects.filter(local_days("contacted_at", start, end), customer_id__in=ids)
        .annotate(day=TruncDate("contacted_at"))
        .values_list("customer_id", "day")
        .distinct()
    )
    for customer_id, day in contacts:
        actual[customer_id].add(day)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    rows = []
    for customer in customers:
        cells = [
            ProgressCell(
                day=d,
                planned=d in planned[customer.pk],
                actual=d in actual[customer.pk],
                overdue=planned[customer.pk].get(d, False),
            )
            for d in days
        ]
        late = customer.next_followup_on is not None and customer.next_followup_on < today
        rows.append(ProgressRow(customer=customer, cells=cells, next_due_overdue=late))
    return ProgressSheet(consultant=consultant, month=start, days=days, rows=rows, today=today)


# ---------------------------------------------------------------------------------------------
# Monthly targets and the performance board (销售绩效管理看板)


TARGET_LABELS = {
    "contacts": gettext_lazy("Total contacts"),
    "prospecting": gettext_lazy("Prospecting"),
    "return_visits": gettext_lazy("Return visits"),
    "test_drives": gettext_lazy("Test drives"),
    "sales": gettext_lazy("Sales"),
}


def targets_for_month(*, user: User, month: date) -> list[tuple[User, MonthlyTarget | None]]:
    """Each active consultant the user may see, with their target for the month (or None)."""
    check_report_access(user)
    month = month_first(month)
    targets = {
        t.consultant_id: t
        for t in scope_to_user(MonthlyTarget.objects.filter(month=month), user)
    }
    return [(c, targets.get(c.pk)) for c in _consultant_rows(user, targets.keys())]


@dataclass
class BoardFigure:
    target: int
    actual: int

    @property
    def percent(self) -> int | None:
        return pct(self.actual, self.target)


@dataclass
class BoardRow:
    label: str
    consultant: User | None
    figures: dict[str, BoardFigure]
    funnel: dict[str, int]
    rank: int | None = None

    def rate(self, part: str, whole: str) -> int | None:
        return pct(self.funnel[part], self.funnel[whole])

    @property
    def rates(self) -> dict[str, int | None]:
        return {
            "walkin_to_prospect": self.rate("prospects", "walkins"),
            "prospect_to_order": self.rate("orders", "prospects"),
            "order_to_delivery": self.rate("deliveries", "orders"),
        }


FUNNEL_KEYS = ("walkins", "prospects", "orders", "deliveries")
FUNNEL_LABELS = {
    "walkins": gettext_lazy("Walk-ins (first visits)"),
    "prospects": gettext_lazy("New walk-in prospects"),
    "orders": gettext_lazy("Orders"),
    "deliveries": gettext_lazy("Deliveries"),
}
RATE_LABELS = {
    "walkin_to_prospect": gettext_lazy("Walk-in → prospect %"),
    "prospect_to_order": gettext_lazy("Prospect → order %"),
    "order_to_delivery": gettext_lazy("Order → delivery %"),
}


@dataclass
class Board:
    month: date
    rows: list[BoardRow]
    total: BoardRow
    trend: dict[str, Any]

    def chart_data(self) -> dict[str, Any]:
        return {
            "consultants": [r.label for r in self.rows],
            "sales_target": [r.figures["sales"].target for r in self.rows],
            "sales_actual": [r.figures["sales"].actual for r in self.rows],
            "contacts_target": [r.figures["contacts"].target for r in self.rows],
            "contacts_actual": [r.figures["contacts"].actual for r in self.rows],
            "labels": {
                "sales_target": str(_("Sales target")),
                "sales_actual": str(_("Sales")),
                "contacts_target": str(_("Contacts target")),
                "contacts_actual": str(_("Contacts")),
                "trend_contacts": str(_("Contacts")),
                "trend_walkins": str(_("Walk-ins")),
                "trend_orders": str(_("Orders")),
            },
            "trend": self.trend,
        }

    def sheets(self) -> list[tuple[str, list[list], list[list]]]:
        headers = [_("Rank"), _("Consultant")]
        for key in MonthlyTarget.FIELDS:
            label = str(TARGET_LABELS[key])
            headers += [f"{label} {_('target')}", f"{label} {_('actual')}", f"{label} %"]
        headers += [str(FUNNEL_LABELS[k]) for k in FUNNEL_KEYS] + [str(RATE_LABELS[k]) for k in RATE_LABELS]
        rows = []
        for row in [*self.rows, self.total]:
            values: list = [row.rank, row.label]
            for key in MonthlyTarget.FIELDS:
                figure = row.figures[key]
                values += [figure.target, figure.actual, figure.percent]
            values += [row.funnel[k] for k in FUNNEL_KEYS] + [row.rates[k] for k in RATE_LABELS]
            rows.append(values)
        trend_rows = [
            [d, c, w, o]
            for d, c, w, o in zip(
                self.trend["days"], self.trend["contacts"], self.trend["walkins"], self.trend["orders"], strict=True
            )
        ]
        title = _("Performance board %(month)s") % {"month": f"{self.month:%Y-%m}"}
        return [
            (_("Board"), [[title], headers], rows),
            (_("Daily trend"), [[title], [_("Day"), _("Contacts"), _("Walk-ins"), _("Orders")]], trend_rows),
        ]


def performance_board(*, user: User, month: date) -> Board:
    check_report_access(user)
    start, end = month_first(month), month_last(month)
    targets = {
        row["_key"]: row
        for row in scope_to_user(MonthlyTarget.objects.filter(month=start), user)
        .values(*MonthlyTarget.FIELDS, _key=F("consultant"))
    }
    contacts = _per_key(
        scope_to_user(Contact.objects.filter(local_days("contacted_at", start, end)), user),
        "consultant",
        {"contacts": Count("*")},  # COUNT(*): an index-only scan of contact_contacted_at
    )
    prospects = _per_key(
        scope_to_user(Customer.objects.filter(first_contact_on__range=(start, end)), user),
        "consultant",
        {
            "prospecting": Count("id", filter=Q(intake=Customer.Intake.PROSPECTING)),
            "prospects": Count("id", filter=Q(intake=Customer.Intake.WALK_IN)),
        },
    )
    visits = _per_key(
        scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user),
        "consultant",
        {
            "walkins": Count("id", filter=Q(is_first_visit=True)),
            "return_visits": Count("id", filter=Q(is_first_visit=False)),
            "test_drives": Count("id", filter=Q(test_drive=True)),
        },
    )
    orders = _per_key(
        scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user), "consultant", {"sales": Count("id")}
    )
    deliveries = _per_key(
        _deliveries(user).filter(local_days("changed_at", start, end)),
        "customer__consultant",
        {"deliveries": Count("id")},
    )
    actuals: dict[int, dict[str, int]] = defaultdict(dict)
    for source in (contacts, prospects, visits, orders, deliveries):
        for consultant_id, figures in source.items():
            actuals[consultant_id].update(figures)

    def board_row(label: str, consultant: User | None, target: dict, actual: dict) -> BoardRow:
        return BoardRow(
            label=label,
            consultant=consultant,
            figures={k: BoardFigure(target=target.get(k, 0), actual=actual.get(k, 0)) for k in MonthlyTarget.FIELDS},
            funnel={
                "walkins": actual.get("walkins", 0),
                "prospects": actual.get("prospects", 0),
                "orders": actual.get("sales", 0),
                "deliveries": actual.get("deliveries", 0),
            },
        )

    consultants = _consultant_rows(user, set(actuals) | set(targets))
    rows = [board_row(str(c), c, targets.get(c.pk, {}), actuals.get(c.pk, {})) for c in consultants]
    # Ranking: by sales, then contacts; equal figures share a rank.
    rows.sort(key=lambda r: (-r.figures["sales"].actual, -r.figures["contacts"].actual, r.label))
    previous = None
    for position, row in enumerate(rows, start=1):
        key = (row.figures["sales"].actual, row.figures["contacts"].actual)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)
    total = BoardRow(
        label=_("Total"),
        consultant=None,
        figures={
            k: BoardFigure(
                target=sum(r.figures[k].target for r in rows), actual=sum(r.figures[k].actual for r in rows)
            )
            for k in MonthlyTarget.FIELDS
        },
        funnel={k: sum(r.funnel[k] for r in rows) for k in FUNNEL_KEYS},
    )
    return Board(month=start, rows=rows, total=total, trend=_daily_trend(user, start, end))


def _daily_trend(user: User, start: date, end: date) -> dict[str, Any]:
    """Contacts, walk-ins and orders per day of the month (three grouped queries)."""
    per_day_contacts = dict(
        scope_to_user(Contact.objects.filter(local_days("contacted_at", start, end)), user)
        .annotate(day=TruncDate("contacted_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("*"))
        .values_list("day", "n")
    )
    per_day_walkins = dict(
        scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user)
        .order_by()
        .values("visit_date")
        .annotate(n=Count("id"))
        .values_list("visit_date", "n")
    )
    per_day_orders = dict(
        scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user)
        .order_by()
        .values("ordered_on")
        .annotate(n=Count("id"))
        .values_list("ordered_on", "n")
    )
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return {
        "days": [d.day for d in days],
        "contacts": [per_day_contacts.get(d, 0) for d in days],
        "walkins": [per_day_walkins.get(d, 0) for d in days],
        "orders": [per_day_orders.get(d, 0) for d in days],
    }


# ---------------------------------------------------------------------------------------------
# Defeat analysis


@dataclass
class ShareRow:
    label: str
    count: int
    share: float | None


@dataclass
class DefeatAnalysis:
    start: date
    end: date
    total: int
    by_reason: list[ShareRow]
    by_brand: list[ShareRow]
    by_consultant: list[ShareRow]
    by_month: list[ShareRow]

    def sections(self) -> list[tuple[str, list[ShareRow]]]:
        return [
            (_("By reason"), self.by_reason),
            (_("By competitor brand"), self.by_brand),
            (_("By consultant"), self.by_consultant),
            (_("By month"), self.by_month),
        ]

    def chart_data(self) -> dict[str, Any]:
        return {
            "reasons": [r.label for r in self.by_reason],
            "reason_counts": [r.count for r in self.by_reason],
            "months": [r.label for r in self.by_month],
            "month_counts": [r.count for r in self.by_month],
            "label": str(_("Defeats")),
        }

    def sheets(self) -> list[tuple[str, list[list], list[list]]]:
        title = _("Defeat analysis %(start)s – %(end)s") % {"start": self.start, "end": self.end}
        sheets = []
        for name, rows in self.sections():
            body = [[r.label, r.count, r.share] for r in rows] + [[_("Total"), self.total, 100.0 if self.total else None]]
            sheets.append((name, [[title], [name, _("Defeats"), _("Share %")]], body))
        return sheets


def defeat_analysis(*, user: User, start: date, end: date) -> DefeatAnalysis:
    """Approved defeats decided in the range, counted four ways (one grouped query each)."""
    check_report_access(user)
    defeats = _approved_defeats(user).filter(local_days("decided_at", start, end))

    def shares(pairs: list[tuple[str, int]]) -> list[ShareRow]:
        whole = sum(n for _label, n in pairs)
        return [ShareRow(label=label, count=n, share=_share(n, whole)) for label, n in pairs]

    def grouped(key) -> list[tuple[Any, int]]:
        rows = defeats.order_by().values(_key=key).annotate(n=Count("id")).order_by("-n", "_key")
        return [(row["_key"], row["n"]) for row in rows]

    by_reason = shares([(name, n) for name, n in grouped(F("reason__name"))])
    by_brand = shares([(brand or _("(not given)"), n) for brand, n in grouped(F("brand_bought"))])
    consultant_counts = grouped(F("customer__consultant"))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[pk for pk, _n in consultant_counts])}
    by_consultant = shares([(names[pk], n) for pk, n in consultant_counts])
    month_rows = (
        defeats.annotate(month=TruncMonth("decided_at")).order_by().values("month").annotate(n=Count("id")).order_by("month")
    )
    by_month = shares([(f"{row['month']:%Y-%m}", row["n"]) for row in month_rows])
    return DefeatAnalysis(
        start=start,
        end=end,
        total=sum(r.count for r in by_reason),
        by_reason=by_reason,
        by_brand=by_brand,
        by_consultant=by_consultant,
        by_month=by_month,
    )


# ---------------------------------------------------------------------------------------------
# Funnel and channel report


FUNNEL_COLUMNS = ("walkins", "prospects", "orders", "deliveries")
CHANNEL_LABELS = {
    "walkins": gettext_lazy("Walk-ins"),
    "prospects": gettext_lazy("New prospects"),
    "orders": gettext_lazy("Orders"),
    "deliveries": gettext_lazy("Deliveries"),
}


@dataclass
class FunnelRow:
    label: str
    figures: dict[str, int]

    @property
    def order_rate(self) -> int | None:
        return pct(self.figures["orders"], self.figures["prospects"])


@dataclass
class ChannelReport:
    start: date
    end: date
    by_channel: list[FunnelRow]
    by_intake: list[FunnelRow]
    channel_total: FunnelRow
    intake_total: FunnelRow

    def sheets(self) -> list[tuple[str, list[list], list[list]]]:
        title = _("Channels %(start)s – %(end)s") % {"start": self.start, "end": self.end}
        headers = [str(CHANNEL_LABELS[k]) for k in FUNNEL_COLUMNS] + [_("Prospect → order %")]
        sheets = []
        for name, rows, total in (
            (_("By channel"), self.by_channel, self.channel_total),
            (_("By intake"), self.by_intake, self.intake_total),
        ):
            body = [[r.label, *[r.figures[k] for k in FUNNEL_COLUMNS], r.order_rate] for r in [*rows, total]]
            sheets.append((name, [[title], [name, *headers]], body))
        return sheets


def channel_report(*, user: User, start: date, end: date) -> ChannelReport:
    """Walk-ins, prospects, orders and deliveries per source channel and per intake way.

    One query per table grouped by (channel, intake); the two views are sums over that grid.
    Walk-ins take the channel written on the visit and the intake of the customer it is attached to.
    """
    check_report_access(user)
    grids: dict[str, list[dict]] = {
        "walkins": list(
            scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user)
            .order_by().values(ch=F("channel"), way=F("customer__intake")).annotate(n=Count("id"))
        ),
        "prospects": list(
            scope_to_user(Customer.objects.filter(first_contact_on__range=(start, end)), user)
            .order_by().values(ch=F("channel"), way=F("intake")).annotate(n=Count("id"))
        ),
        "orders": list(
            scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user)
            .order_by().values(ch=F("customer__channel"), way=F("customer__intake")).annotate(n=Count("id"))
        ),
        "deliveries": list(
            _deliveries(user).filter(local_days("changed_at", start, end))
            .order_by().values(ch=F("customer__channel"), way=F("customer__intake")).annotate(n=Count("id"))
        ),
    }
    by_channel_figures: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL_COLUMNS, 0))
    by_intake_figures: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL_COLUMNS, 0))
    for column, grid in grids.items():
        for cell in grid:
            by_channel_figures[cell["ch"]][column] += cell["n"]
            by_intake_figures[cell["way"]][column] += cell["n"]
    empty = dict.fromkeys(FUNNEL_COLUMNS, 0)
    channels = list(Channel.objects.all())
    by_channel = [FunnelRow(label=str(ch), figures=dict(by_channel_figures.get(ch.pk, empty))) for ch in channels]
    if None in by_channel_figures:
        by_channel.append(FunnelRow(label=_("(no channel)"), figures=by_channel_figures[None]))
    by_intake = [
        FunnelRow(label=str(label), figures=dict(by_intake_figures.get(value, empty)))
        for value, label in Customer.Intake.choices
    ]
    if None in by_intake_figures:
        by_intake.append(FunnelRow(label=_("(no customer card)"), figures=by_intake_figures[None]))

    def total(rows: list[FunnelRow]) -> FunnelRow:
        return FunnelRow(label=_("Total"), figures={k: sum(r.figures[k] for r in rows) for k in FUNNEL_COLUMNS})

    return ChannelReport(
        start=start, end=end, by_channel=by_channel, by_intake=by_intake,
        channel_total=total(by_channel), intake_total=total(by_intake),
    )
