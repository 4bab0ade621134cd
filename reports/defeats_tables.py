"""How the defeat analysis is laid out: its four sections, its charts' data and its `.xlsx` sheets."""

from typing import Any

from django.utils.translation import gettext as _

from reports.defeats import DefeatAnalysis, ShareRow
from reports.xlsx import Sheet


def sections(analysis: DefeatAnalysis) -> list[tuple[str, list[ShareRow]]]:
    return [
        (_("By reason"), analysis.by_reason),
        (_("By competitor brand"), analysis.by_brand),
        (_("By consultant"), analysis.by_consultant),
        (_("By month"), analysis.by_month),
    ]


def chart_data(analysis: DefeatAnalysis) -> dict[str, Any]:
    """What the two charts of the page draw (passed with `json_script`)."""
    return {
        "reasons": [r.label for r in analysis.by_reason],
        "reason_counts": [r.count for r in analysis.by_reason],
        "months": [r.label for r in analysis.by_month],
        "month_counts": [r.count for r in analysis.by_month],
        "label": str(_("Defeats")),
    }


def sheets(analysis: DefeatAnalysis) -> list[Sheet]:
    title = _("Defeat analysis %(start)s – %(end)s") % {"start": analysis.start, "end": analysis.end}
    total = [_("Total"), analysis.total, 100.0 if analysis.total else None]
    return [
        (name, [[title], [name, _("Defeats"), _("Share %")]], [[r.label, r.count, r.share] for r in rows] + [total])
        for name, rows in sections(analysis)
    ]
