"""Periods and ratios of the reports: pure date and number arithmetic, plus the one range filter
that turns local days into aware datetimes."""

import calendar
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(month: date) -> date:
    return month_first(month_first(month) - timedelta(days=1))


def days_between(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def day_start(day: date) -> datetime:
    """Midnight at the start of the local day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def local_days(field_name: str, start: date, end: date) -> Q:
    """`field_name` (a datetime) on a local day from `start` to `end`: a range of aware datetimes, which an
    index can serve (the `__date` lookups cast every row to a local date first)."""
    return Q(**{f"{field_name}__gte": day_start(start), f"{field_name}__lt": day_start(end + timedelta(days=1))})


def pct(part: int | None, whole: int | None) -> int | None:
    """Whole-number percentage, or None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return round(part * 100 / whole)


def share(part: int, whole: int) -> float | None:
    """Percentage with one decimal, or None when there is nothing to divide by."""
    return round(part * 100 / whole, 1) if whole else None
