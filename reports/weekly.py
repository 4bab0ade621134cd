"""The weekly sales-management meeting's two figure pages (SVW 销售管理周会): actual vs target, and the
current month against its history. Both read `reports.figures`, so they show the same figure for the
same thing as the board and the daily report.

- **Actual vs target** (实际与目标): for a day, each consultant's week to date (Monday to the day) and
  month to date against the month's targets, with where they should be by now (the target pro rata
  of the days gone), per team and in total.
- **Current vs history** (当期与历史): the month to the day against the same days of last month and
  of the same month last year, per figure, for the consultants the user sees.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import scope_to_user
from reports.figures import FIVE_TARGETS, figures
from reports.grouping import consultant_rows
from reports.models import MonthlyTarget
from reports.periods import month_first, pct, previous_month

# What the history page compares, beside the five targets.
HISTORY_FIGURES = (*FIVE_TARGETS, "first_visits", "phone_ins", "new_prospects", "orders", "cancellations", "deliveries", "defeats")


@dataclass
class TargetFigure:
    target: int
    mtd: int
    week: int
    due_by_now: int  # the target pro rata of the month's days gone

    @property
    def percent(self) -> int | None:
        return pct(self.mtd, self.target)

    @property
    def behind(self) -> bool:
        return self.mtd < self.due_by_now


@dataclass
class TargetRow:
    label: str
    consultant: User | None
    figures: dict[str, TargetFigure]  # per FIVE_TARGETS
    is_team: bool = False


@dataclass
class ActualVsTarget:
    day: date
    week_start: date
    month_start: date
    rows: list[TargetRow]  # consultants, each team's subtotal after its consultants
    total: TargetRow


def actual_vs_target(*, user: User, day: date) -> ActualVsTarget:
    week_start, month_start = day - timedelta(days=day.weekday()), month_first(day)
    found = figures(user=user, names=FIVE_TARGETS, periods={"week": (week_start, day), "mtd": (month_start, day)})
    targets = {
        row.pop("_key"): row
        for row in scope_to_user(MonthlyTarget.objects.filter(month=month_start), user).values(*FIVE_TARGETS, _key=F("consultant"))
    }
    share = day.day / calendar.monthrange(day.year, day.month)[1]
    consultants = consultant_rows(user, set(found) | set(targets))
    rows, team_rows = [], []
    for index, consultant in enumerate(consultants):
        actual, target = found.get(consultant.pk, {}), targets.get(consultant.pk, {})
        row = TargetRow(str(consultant), consultant, {
            name: TargetFigure(
                target=target.get(name, 0), mtd=actual.get(f"{name}__mtd", 0), week=actual.get(f"{name}__week", 0),
                due_by_now=round(target.get(name, 0) * share),
            )
            for name in FIVE_TARGETS
        })
        rows.append(row)
        team_rows.append(row)
        last_of_team = index + 1 == len(consultants) or consultants[index + 1].team_id != consultant.team_id
        if last_of_team and consultant.team_id and len({c.team_id for c in consultants}) > 1:
            rows.append(_summed(str(consultant.team), team_rows, is_team=True))
        if last_of_team:
            team_rows = []
    total = _summed(_("Total"), [row for row in rows if not row.is_team])
    return ActualVsTarget(day=day, week_start=week_start, month_start=month_start, rows=rows, total=total)


def _summed(label: str, rows: list[TargetRow], *, is_team: bool = False) -> TargetRow:
    return TargetRow(label, None, {
        name: TargetFigure(
            target=sum(r.figures[name].target for r in rows), mtd=sum(r.figures[name].mtd for r in rows),
            week=sum(r.figures[name].week for r in rows), due_by_now=sum(r.figures[name].due_by_now for r in rows),
        )
        for name in FIVE_TARGETS
    }, is_team=is_team)


@dataclass
class HistoryRow:
    name: str
    current: int
    last_month: int
    last_year: int

    @property
    def vs_last_month(self) -> int | None:
        """Change on last month, in % (None when last month had nothing)."""
        return pct(self.current - self.last_month, self.last_month)

    @property
    def vs_last_year(self) -> int | None:
        return pct(self.current - self.last_year, self.last_year)


@dataclass
class History:
    day: date
    periods: dict[str, tuple[date, date]]  # "current", "last_month", "last_year"
    rows: list[HistoryRow]  # per HISTORY_FIGURES


def current_vs_history(*, user: User, day: date) -> History:
    periods = {
        "current": (month_first(day), day),
        "last_month": _same_days(previous_month(day), day.day),
        "last_year": _same_days(_year_before(month_first(day)), day.day),
    }
    found = figures(user=user, names=HISTORY_FIGURES, periods=periods)
    shown = {c.pk for c in consultant_rows(user, found.keys())}

    def total(name: str, period: str) -> int:
        return sum(values.get(f"{name}__{period}", 0) for key, values in found.items() if key in shown)

    rows = [HistoryRow(name, total(name, "current"), total(name, "last_month"), total(name, "last_year")) for name in HISTORY_FIGURES]
    return History(day=day, periods=periods, rows=rows)


def _same_days(month: date, days: int) -> tuple[date, date]:
    """The month's first `days` days (all of it when shorter)."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month, month.replace(day=min(days, last))


def _year_before(month: date) -> date:
    return month.replace(year=month.year - 1)
