"""How the weekly meeting's figure pages are labelled and laid out, on the page and in `.xlsx` sheets."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.figures import FIVE_TARGETS
from reports.targets_tables import TARGET_LABELS
from reports.weekly import ActualVsTarget, History
from reports.xlsx import Sheet

FIGURE_LABELS = {
    **TARGET_LABELS,
    "first_visits": gettext_lazy("Walk-ins (first visits)"),
    "phone_ins": gettext_lazy("Phone-ins"),
    "new_prospects": gettext_lazy("New prospects"),
    "orders": gettext_lazy("Orders"),
    "cancellations": gettext_lazy("Cancelled orders"),
    "deliveries": gettext_lazy("Deliveries"),
    "defeats": gettext_lazy("Defeats"),
}


def target_labels() -> list[str]:
    return [str(TARGET_LABELS[name]) for name in FIVE_TARGETS]


def target_sheets(report: ActualVsTarget) -> list[Sheet]:
    title = _("Actual vs target, %(day)s") % {"day": f"{report.day:%Y-%m-%d}"}
    headers = [_("Consultant")]
    parts = [_("target"), _("due by now"), _("month to date"), "%", _("this week")]
    for label in target_labels():
        headers += [f"{label} {part}" for part in parts]
    rows = []
    for row in [*report.rows, report.total]:
        values = [row.label]
        for name in FIVE_TARGETS:
            figure = row.figures[name]
            values += [figure.target, figure.due_by_now, figure.mtd, figure.percent, figure.week]
        rows.append(values)
    return [(_("Actual vs target"), [[title], headers], rows)]


def history_rows(history: History) -> list[tuple[str, object]]:
    """(label, row) per figure, as the page shows them."""
    return [(str(FIGURE_LABELS[row.name]), row) for row in history.rows]


def history_sheets(history: History) -> list[Sheet]:
    title = _("Current vs history, %(day)s") % {"day": f"{history.day:%Y-%m-%d}"}
    periods = history.periods
    headers = [
        _("Figure"),
        f"{periods['current'][0]:%Y-%m-%d}–{periods['current'][1]:%m-%d}",
        f"{periods['last_month'][0]:%Y-%m-%d}–{periods['last_month'][1]:%m-%d}",
        _("vs last month %"),
        f"{periods['last_year'][0]:%Y-%m-%d}–{periods['last_year'][1]:%m-%d}",
        _("vs last year %"),
    ]
    rows = [
        [label, row.current, row.last_month, row.vs_last_month, row.last_year, row.vs_last_year]
        for label, row in history_rows(history)
    ]
    return [(_("Current vs history"), [[title], headers], rows)]
