"""Performance board (销售绩效管理看板): each consultant's month against the five targets, ranked, with
the walk-in funnel and a daily trend."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import scope_to_user
from leads.models import Contact, Customer, Order, Visit
from reports import events
from reports.grouping import Figures, consultant_rows, merged, per_key
from reports.models import MonthlyTarget
from reports.periods import days_between, local_days, month_first, month_last, pct

# The funnel of the month: first visits → new prospects who came in as walk-ins → orders → deliveries.
FUNNEL = ("first_visits", "walk_in_prospects", "orders", "deliveries")
# Conversion rates along the funnel: name -> (part, whole).
RATES = {
    "first_visit_to_walk_in_prospect": ("walk_in_prospects", "first_visits"),
    "walk_in_prospect_to_order": ("orders", "walk_in_prospects"),
    "order_to_delivery": ("deliveries", "orders"),
}


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
    figures: dict[str, BoardFigure]  # per MonthlyTarget.FIELDS
    funnel: dict[str, int]  # per FUNNEL
    rank: int | None = None

    @property
    def rates(self) -> dict[str, int | None]:
        return {name: pct(self.funnel[part], self.funnel[whole]) for name, (part, whole) in RATES.items()}


@dataclass
class Board:
    month: date
    rows: list[BoardRow]
    total: BoardRow
    trend: dict[str, list[int]]  # days of the month, and contacts, visits and orders per day


def performance_board(*, user: User, month: date) -> Board:
    start, end = month_first(month), month_last(month)
    targets = _targets(user, start)
    actuals = _actuals(user, start, end)
    consultants = consultant_rows(user, set(actuals) | set(targets))
    rows = [_row(str(c), c, targets.get(c.pk, {}), actuals.get(c.pk, {})) for c in consultants]
    _rank(rows)
    return Board(month=start, rows=rows, total=_total(rows), trend=_daily_trend(user, start, end))


def _targets(user: User, month: date) -> Figures:
    return {
        row.pop("_key"): row
        for row in scope_to_user(MonthlyTarget.objects.filter(month=month), user)
        .values(*MonthlyTarget.FIELDS, _key=F("consultant"))
    }


def _actuals(user: User, start: date, end: date) -> Figures:
    """The month's figures per consultant: one grouped query per source table."""
    contacts = scope_to_user(Contact.objects.filter(local_days("contacted_at", start, end)), user)
    prospects = scope_to_user(Customer.objects.filter(first_contact_on__range=(start, end)), user)
    visits = scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user)
    orders = scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user)
    deliveries = events.deliveries(user).filter(delivered_on__range=(start, end))
    return merged([
        per_key(contacts, "consultant", {"contacts": Count("*")}),  # COUNT(*): an index-only scan
        per_key(prospects, "consultant", {
            "prospecting": Count("id", filter=Q(intake=Customer.Intake.PROSPECTING)),
            "walk_in_prospects": Count("id", filter=Q(intake=Customer.Intake.WALK_IN)),
        }),
        per_key(visits, "consultant", {
            "first_visits": Count("id", filter=Q(is_first_visit=True)),
            "return_visits": Count("id", filter=Q(is_first_visit=False)),
            "test_drives": Count("id", filter=Q(test_drive=True)),
        }),
        per_key(orders, "consultant", {"sales": Count("id")}),
        per_key(deliveries, "order__consultant", {"deliveries": Count("id")}),
    ])


def _row(label: str, consultant: User | None, target: dict, actual: dict) -> BoardRow:
    return BoardRow(
        label=label,
        consultant=consultant,
        figures={k: BoardFigure(target=target.get(k, 0), actual=actual.get(k, 0)) for k in MonthlyTarget.FIELDS},
        funnel={
            "first_visits": actual.get("first_visits", 0),
            "walk_in_prospects": actual.get("walk_in_prospects", 0),
            "orders": actual.get("sales", 0),
            "deliveries": actual.get("deliveries", 0),
        },
    )


def _rank(rows: list[BoardRow]) -> None:
    """Sort by sales, then contacts; equal figures share a rank."""
    rows.sort(key=lambda r: (-r.figures["sales"].actual, -r.figures["contacts"].actual, r.label))
    previous = None
    for position, row in enumerate(rows, start=1):
        key = (row.figures["sales"].actual, row.figures["contacts"].actual)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)


def _total(rows: list[BoardRow]) -> BoardRow:
    return BoardRow(
        label=_("Total"),
        consultant=None,
        figures={
            k: BoardFigure(target=sum(r.figures[k].target for r in rows), actual=sum(r.figures[k].actual for r in rows))
            for k in MonthlyTarget.FIELDS
        },
        funnel={k: sum(r.funnel[k] for r in rows) for k in FUNNEL},
    )


def _daily_trend(user: User, start: date, end: date) -> dict[str, list[int]]:
    """Contacts, visits and orders per day of the month (three grouped queries)."""
    contacts = dict(
        scope_to_user(Contact.objects.filter(local_days("contacted_at", start, end)), user)
        .annotate(day=TruncDate("contacted_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("*"))
        .values_list("day", "n")
    )
    visits = dict(
        scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user)
        .order_by().values("visit_date").annotate(n=Count("id")).values_list("visit_date", "n")
    )
    orders = dict(
        scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user)
        .order_by().values("ordered_on").annotate(n=Count("id")).values_list("ordered_on", "n")
    )
    days = days_between(start, end)
    return {
        "days": [d.day for d in days],
        "contacts": [contacts.get(d, 0) for d in days],
        "visits": [visits.get(d, 0) for d in days],
        "orders": [orders.get(d, 0) for d in days],
    }
