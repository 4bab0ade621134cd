"""How the funnel and channel report is labelled and laid out in its `.xlsx` sheets."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.channels import FUNNEL, ChannelReport
from reports.xlsx import Sheet

FUNNEL_LABELS = {
    "visits": gettext_lazy("Walk-ins"),
    "new_prospects": gettext_lazy("New prospects"),
    "orders": gettext_lazy("Orders"),
    "deliveries": gettext_lazy("Deliveries"),
}


def sheets(report: ChannelReport) -> list[Sheet]:
    title = _("Channels %(start)s – %(end)s") % {"start": report.start, "end": report.end}
    headers = [str(FUNNEL_LABELS[k]) for k in FUNNEL] + [_("Prospect → order %")]
    sheets = []
    for name, rows, total in (
        (_("By channel"), report.by_channel, report.channel_total),
        (_("By intake"), report.by_intake, report.intake_total),
    ):
        body = [[r.label, *[r.figures[k] for k in FUNNEL], r.new_prospect_to_order] for r in [*rows, total]]
        sheets.append((name, [[title], [name, *headers]], body))
    return sheets
