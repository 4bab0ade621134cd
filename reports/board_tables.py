"""How the performance board is labelled and laid out: its charts' data and its `.xlsx` sheets."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.board import FUNNEL, RATES, Board
from reports.models import MonthlyTarget
from reports.targets_tables import TARGET_LABELS
from reports.xlsx import Sheet

FUNNEL_LABELS = {
    "first_visits": gettext_lazy("Walk-ins (first visits)"),
    "walk_in_prospects": gettext_lazy("New walk-in prospects"),
    "orders": gettext_lazy("Orders"),
    "deliveries": gettext_lazy("Deliveries"),
}
RATE_LABELS = {
    "first_visit_to_walk_in_prospect": gettext_lazy("Walk-in → prospect %"),
    "walk_in_prospect_to_order": gettext_lazy("Prospect → order %"),
    "order_to_delivery": gettext_lazy("Order → delivery %"),
}


def chart_data(board: Board) -> dict[str, Any]:
    """What the two charts of the page draw (passed with `json_script`)."""
    return {
        "consultants": [r.label for r in board.rows],
        "sales_target": [r.figures["sales"].target for r in board.rows],
        "sales_actual": [r.figures["sales"].actual for r in board.rows],
        "contacts_target": [r.figures["contacts"].target for r in board.rows],
        "contacts_actual": [r.figures["contacts"].actual for r in board.rows],
        "labels": {
            "sales_target": str(_("Sales target")),
            "sales_actual": str(_("Sales")),
            "contacts_target": str(_("Contacts target")),
            "contacts_actual": str(_("Contacts")),
            "trend_contacts": str(_("Contacts")),
            "trend_visits": str(_("Walk-ins")),
            "trend_orders": str(_("Orders")),
        },
        "trend": board.trend,
    }


def _board_sheet(board: Board, title: str) -> Sheet:
    headers = [_("Rank"), _("Consultant")]
    for key in MonthlyTarget.FIELDS:
        label = str(TARGET_LABELS[key])
        headers += [f"{label} {_('target')}", f"{label} {_('actual')}", f"{label} %"]
    headers += [str(FUNNEL_LABELS[k]) for k in FUNNEL] + [str(RATE_LABELS[k]) for k in RATES]
    rows = []
    for row in [*board.rows, board.total]:
        values: list = [row.rank, row.label]
        for key in MonthlyTarget.FIELDS:
            figure = row.figures[key]
            values += [figure.target, figure.actual, figure.percent]
        rates = row.rates
        values += [row.funnel[k] for k in FUNNEL] + [rates[k] for k in RATES]
        rows.append(values)
    return (_("Board"), [[title], headers], rows)


def _trend_sheet(board: Board, title: str) -> Sheet:
    trend = board.trend
    rows = [list(day) for day in zip(trend["days"], trend["contacts"], trend["visits"], trend["orders"], strict=True)]
    return (_("Daily trend"), [[title], [_("Day"), _("Contacts"), _("Walk-ins"), _("Orders")]], rows)


def sheets(board: Board) -> list[Sheet]:
    title = _("Performance board %(month)s") % {"month": f"{board.month:%Y-%m}"}
    return [_board_sheet(board, title), _trend_sheet(board, title)]
