"""How the performance board is labelled and laid out: its figures' definitions, its charts' data and
its `.xlsx` sheets."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.board import FUNNEL, RATES, Board
from reports.figures import COHORT, FIVE_TARGETS
from reports.targets_tables import TARGET_LABELS
from reports.xlsx import Sheet

# What each of the five targets counts (reports.figures.FIGURES), shown under the board and as tooltips.
DEFINITIONS = {
    "contacts": gettext_lazy(
        "Every contact with a customer: each logged contact, each party received in the showroom and each phone-in."
    ),
    "prospecting": gettext_lazy(
        "Prospects found by outbound work (intake: outbound prospecting) plus outbound contacts (home visits, DM letters)."
    ),
    "return_visits": gettext_lazy("Showroom visits of customers who had been in before (S on the visit register)."),
    "test_drives": gettext_lazy("Test drives recorded: from a walk-in, an appointment or a home visit."),
    "sales": gettext_lazy("Orders signed in the month less orders cancelled in the month."),
}
FUNNEL_LABELS = {
    "first_visits": gettext_lazy("Walk-ins (first visits)"),
    "walk_ins_with_card": gettext_lazy("Walk-ins who left a card"),
    "orders": gettext_lazy("Orders"),
    "deliveries": gettext_lazy("Deliveries"),
}
COHORT_LABELS = {
    "new_prospects": gettext_lazy("New prospects of the month"),
    "ordered": gettext_lazy("… of them ordered"),
    "delivered": gettext_lazy("… of them delivered"),
}
RATE_LABELS = {
    "first_visit_to_card": gettext_lazy("Walk-in → card %"),
    "prospect_to_order": gettext_lazy("Prospect → order % (cohort)"),
    "order_to_delivery": gettext_lazy("Order → delivery % (cohort)"),
}


def definitions() -> list[tuple[str, str]]:
    return [(str(TARGET_LABELS[key]), str(DEFINITIONS[key])) for key in FIVE_TARGETS]


def chart_data(board: Board) -> dict[str, Any]:
    """What the page's charts draw (passed with `json_script`): target and actual per consultant for
    each of the five targets, and the team's six-month trend."""
    return {
        "consultants": [r.label for r in board.rows],
        "targets": [
            {
                "key": key,
                "label": str(TARGET_LABELS[key]),
                "target": [r.figures[key].target for r in board.rows],
                "actual": [r.figures[key].actual for r in board.rows],
            }
            for key in FIVE_TARGETS
        ],
        "labels": {"target": str(_("Target")), "actual": str(_("Actual"))},
        "trend": {
            "months": board.trend["months"],
            "series": [{"label": str(TARGET_LABELS[key]), "data": board.trend[key]} for key in FIVE_TARGETS],
        },
    }


def _board_sheet(board: Board, title: str) -> Sheet:
    headers = [_("Rank"), _("Consultant")]
    target, actual = _("target"), _("actual")  # outside the f-strings, where makemessages finds them
    for key in FIVE_TARGETS:
        label = str(TARGET_LABELS[key])
        headers += [f"{label} {target}", f"{label} {actual}", f"{label} %"]
    headers += [str(FUNNEL_LABELS[k]) for k in FUNNEL] + [str(COHORT_LABELS[k]) for k in COHORT]
    headers += [str(RATE_LABELS[k]) for k in RATES]
    rows = []
    for row in [*board.rows, board.total]:
        values: list = [row.rank, row.label]
        for key in FIVE_TARGETS:
            figure = row.figures[key]
            values += [figure.target, figure.actual, figure.percent]
        rates = row.rates
        values += [row.funnel[k] for k in FUNNEL] + [row.cohort[k] for k in COHORT] + [rates[k] for k in RATES]
        rows.append(values)
    return (_("Board"), [[title], headers], rows)


def _trend_sheet(board: Board, title: str) -> Sheet:
    trend = board.trend
    rows = [[month, *[trend[key][index] for key in FIVE_TARGETS]] for index, month in enumerate(trend["months"])]
    return (_("Six-month trend"), [[title], [_("Month"), *[str(TARGET_LABELS[k]) for k in FIVE_TARGETS]]], rows)


def _definitions_sheet(title: str) -> Sheet:
    return (_("Definitions"), [[title], [_("Figure"), _("What it counts")]], [list(pair) for pair in definitions()])


def sheets(board: Board) -> list[Sheet]:
    title = _("Performance board %(month)s") % {"month": f"{board.month:%Y-%m}"}
    return [_board_sheet(board, title), _trend_sheet(board, title), _definitions_sheet(title)]
