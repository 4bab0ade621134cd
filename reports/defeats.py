"""Defeat analysis: the approved defeats decided in a period, counted by reason, competitor brand,
consultant and month (one grouped query each)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from accounts.models import User
from reports import events
from reports.periods import local_days, share


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


def defeat_analysis(*, user: User, start: date, end: date) -> DefeatAnalysis:
    defeats = events.approved_defeats_for(user).filter(local_days("decided_at", start, end))
    by_reason = _shares(_grouped(defeats, F("reason__name")))
    by_brand = _shares([(brand or _("(not given)"), n) for brand, n in _grouped(defeats, F("brand_bought"))])
    consultant_counts = _grouped(defeats, F("filed_by"))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[pk for pk, _n in consultant_counts])}
    by_consultant = _shares([(names[pk], n) for pk, n in consultant_counts])
    month_rows = (
        defeats.annotate(month=TruncMonth("decided_at")).order_by().values("month").annotate(n=Count("id")).order_by("month")
    )
    by_month = _shares([(f"{row['month']:%Y-%m}", row["n"]) for row in month_rows])
    return DefeatAnalysis(
        start=start,
        end=end,
        total=sum(r.count for r in by_reason),
        by_reason=by_reason,
        by_brand=by_brand,
        by_consultant=by_consultant,
        by_month=by_month,
    )


def _grouped(defeats: QuerySet, key: Any) -> list[tuple[Any, int]]:
    """(key, count) pairs, most defeats first."""
    rows = defeats.order_by().values(_key=key).annotate(n=Count("id")).order_by("-n", "_key")
    return [(row["_key"], row["n"]) for row in rows]


def _shares(pairs: list[tuple[str, int]]) -> list[ShareRow]:
    whole = sum(n for _label, n in pairs)
    return [ShareRow(label=label, count=n, share=share(n, whole)) for label, n in pairs]
