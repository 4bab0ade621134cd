"""The grouped queries the reports are made of, and the rows they are laid on.

A report table is a few `values(key).annotate(Count(..., filter=Q(...)))` queries, one per source
table, each giving {key: {figure: count}}; `merged` lays them side by side, and the rows are the
consultants `consultants_visible_to` the user.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet

from accounts.models import User
from accounts.visibility import consultants_visible_to

Figures = dict[Any, dict[str, int]]  # key (consultant id, channel id…) -> figure name -> count

CONSULTANT_ORDER = ("team__name", "last_name", "first_name", "username")


def per_key(queryset: QuerySet, key: str, aggregates: dict[str, Any]) -> Figures:
    """One GROUP BY query: {key value: {aggregate name: figure}}."""
    rows = queryset.order_by().values(_key=F(key)).annotate(**aggregates)
    return {row.pop("_key"): row for row in rows}


def merged(sources: Iterable[Figures]) -> Figures:
    """The figures of several grouped queries, key by key."""
    result: Figures = defaultdict(dict)
    for source in sources:
        for key, figures in source.items():
            result[key].update(figures)
    return result


def consultant_rows(user: User, ids_with_figures: Iterable[int], *, visible=consultants_visible_to) -> list[User]:
    """The report's rows: active consultants the user may see (`visible`), plus any with figures (left since)."""
    return list(
        visible(user)
        .filter(Q(is_active=True) | Q(pk__in=list(ids_with_figures)))
        .order_by(*CONSULTANT_ORDER)
    )
