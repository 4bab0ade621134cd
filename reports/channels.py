"""Funnel and channel report: visits, new prospects, orders and deliveries per source channel and per
intake way, over a date range.

One query per source table grouped by (channel, intake); the two tables are sums over that grid.
Visits take the channel written on the visit and the intake of the customer it is attached to.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import scope_to_user
from leads.models import Channel, Customer, NewProspect, Order, Visit
from reports import events
from reports.periods import pct

# The columns of both tables.
FUNNEL = ("visits", "new_prospects", "orders", "deliveries")


@dataclass
class FunnelRow:
    label: str
    figures: dict[str, int]  # per FUNNEL

    @property
    def new_prospect_to_order(self) -> int | None:
        return pct(self.figures["orders"], self.figures["new_prospects"])


@dataclass
class ChannelReport:
    start: date
    end: date
    by_channel: list[FunnelRow]
    by_intake: list[FunnelRow]
    channel_total: FunnelRow
    intake_total: FunnelRow


def channel_report(*, user: User, start: date, end: date) -> ChannelReport:
    by_channel_figures, by_intake_figures = _sums(_grids(user, start, end))
    by_channel = [FunnelRow(label=str(ch), figures=_figures(by_channel_figures, ch.pk)) for ch in Channel.objects.all()]
    if None in by_channel_figures:
        by_channel.append(FunnelRow(label=_("(no channel)"), figures=by_channel_figures[None]))
    by_intake = [
        FunnelRow(label=str(label), figures=_figures(by_intake_figures, value)) for value, label in Customer.Intake.choices
    ]
    if None in by_intake_figures:
        by_intake.append(FunnelRow(label=_("(no customer card)"), figures=by_intake_figures[None]))
    return ChannelReport(
        start=start, end=end, by_channel=by_channel, by_intake=by_intake,
        channel_total=_total(by_channel), intake_total=_total(by_intake),
    )


def _grids(user: User, start: date, end: date) -> dict[str, list[dict]]:
    """Per column, the counts of each (channel, intake) cell: one grouped query each."""
    visits = scope_to_user(Visit.objects.filter(visit_date__range=(start, end)), user)
    # New prospects with the channel and intake stamped when they became prospects (reports.figures).
    new_prospects = scope_to_user(NewProspect.objects.filter(became_on__range=(start, end)), user)
    orders = scope_to_user(Order.objects.filter(ordered_on__range=(start, end)), user)
    deliveries = events.deliveries(user).filter(delivered_on__range=(start, end))
    return {
        "visits": list(visits.order_by().values(ch=F("channel"), way=F("customer__intake")).annotate(n=Count("id"))),
        "new_prospects": list(new_prospects.order_by().values(ch=F("channel"), way=F("intake")).annotate(n=Count("id"))),
        "orders": list(
            orders.order_by().values(ch=F("customer__channel"), way=F("customer__intake")).annotate(n=Count("id"))
        ),
        "deliveries": list(
            deliveries.order_by().values(ch=F("customer__channel"), way=F("customer__intake")).annotate(n=Count("id"))
        ),
    }


def _sums(grids: dict[str, list[dict]]) -> tuple[dict[Any, dict[str, int]], dict[Any, dict[str, int]]]:
    """The grid summed per channel and per intake."""
    by_channel: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL, 0))
    by_intake: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL, 0))
    for column, grid in grids.items():
        for cell in grid:
            by_channel[cell["ch"]][column] += cell["n"]
            by_intake[cell["way"]][column] += cell["n"]
    return by_channel, by_intake


def _figures(sums: dict[Any, dict[str, int]], key: Any) -> dict[str, int]:
    return dict(sums[key]) if key in sums else dict.fromkeys(FUNNEL, 0)


def _total(rows: list[FunnelRow]) -> FunnelRow:
    return FunnelRow(label=_("Total"), figures={k: sum(r.figures[k] for r in rows) for k in FUNNEL})
