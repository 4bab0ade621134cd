"""Performance board (销售绩效管理看板): the team board of the showroom. Each consultant's month against
the five targets, ranked, the walk-in funnel, the month's cohort of new prospects and what became of
them, and the last six months' trend. A consultant sees their whole team's rows: figures only, never
a customer (`accounts.visibility.board_scope`)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import board_consultants_visible_to, board_scope
from reports.figures import COHORT, FIVE_TARGETS, cohort, figures
from reports.grouping import Figures, consultant_rows
from reports.models import MonthlyTarget
from reports.periods import month_first, month_last, pct, previous_month

# The month's walk-in funnel: first visits → those that left a card (留档); orders and deliveries.
FUNNEL = ("first_visits", "walk_ins_with_card", "orders", "deliveries")
# Conversion rates: name -> (part, whole), read from the funnel or the cohort.
RATES = {
    "first_visit_to_card": ("walk_ins_with_card", "first_visits"),
    "prospect_to_order": ("ordered", "new_prospects"),
    "order_to_delivery": ("delivered", "ordered"),
}
TREND_MONTHS = 6


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
    figures: dict[str, BoardFigure]  # per FIVE_TARGETS
    funnel: dict[str, int]  # per FUNNEL
    cohort: dict[str, int]  # per COHORT: the month's new prospects, and how many of them ordered, took delivery
    rank: int | None = None

    @property
    def rates(self) -> dict[str, int | None]:
        counts = {**self.funnel, **self.cohort}
        return {name: pct(counts[part], counts[whole]) for name, (part, whole) in RATES.items()}


@dataclass
class Board:
    month: date
    rows: list[BoardRow]
    total: BoardRow
    trend: dict[str, list]  # "months" (the last six, "YYYY-MM"), and each of the five targets' team total


def performance_board(*, user: User, month: date) -> Board:
    start = month_first(month)
    months = _last_months(start)
    periods = {f"{m:%Y-%m}": (m, month_last(m)) for m in months}
    found = figures(user=user, names=[*FIVE_TARGETS, *FUNNEL], periods=periods, scope=board_scope)
    this_month = f"{start:%Y-%m}"
    actuals = {key: {name: values[f"{name}__{this_month}"] for name in (*FIVE_TARGETS, *FUNNEL)} for key, values in found.items()}
    cohorts = cohort(user=user, start=start, end=month_last(start), scope=board_scope)
    targets = _targets(user, start)
    consultants = consultant_rows(user, set(actuals) | set(targets) | set(cohorts), visible=board_consultants_visible_to)
    rows = [_row(str(c), c, targets.get(c.pk, {}), actuals.get(c.pk, {}), cohorts.get(c.pk, {})) for c in consultants]
    _rank(rows)
    shown = {c.pk: found.get(c.pk, {}) for c in consultants}
    return Board(month=start, rows=rows, total=_total(rows), trend=_trend(shown, periods))


def _last_months(month: date) -> list[date]:
    months = [month]
    while len(months) < TREND_MONTHS:
        months.insert(0, previous_month(months[0]))
    return months


def _targets(user: User, month: date) -> Figures:
    return {
        row.pop("_key"): row
        for row in board_scope(MonthlyTarget.objects.filter(month=month), user)
        .values(*MonthlyTarget.FIELDS, _key=F("consultant"))
    }


def _row(label: str, consultant: User | None, target: dict, actual: dict, cohort_counts: dict) -> BoardRow:
    return BoardRow(
        label=label,
        consultant=consultant,
        figures={k: BoardFigure(target=target.get(k, 0), actual=actual.get(k, 0)) for k in FIVE_TARGETS},
        funnel={k: actual.get(k, 0) for k in FUNNEL},
        cohort={k: cohort_counts.get(k, 0) for k in COHORT},
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
            for k in FIVE_TARGETS
        },
        funnel={k: sum(r.funnel[k] for r in rows) for k in FUNNEL},
        cohort={k: sum(r.cohort[k] for r in rows) for k in COHORT},
    )


def _trend(found: Figures, periods: dict) -> dict[str, list]:
    """The five targets per month, summed over the board's consultants (this month's is the total row)."""
    return {
        "months": list(periods),
        **{name: [sum(v.get(f"{name}__{p}", 0) for v in found.values()) for p in periods] for name in FIVE_TARGETS},
    }
