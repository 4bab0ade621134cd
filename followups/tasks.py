from datetime import date

from celery import shared_task
from django.utils import timezone

from followups.services import followups_run_daily


@shared_task
def followups_run_daily_task(day: str | None = None) -> int:
    """Beat runs this each morning; `day` (YYYY-MM-DD) defaults to today in the dealership's time zone."""
    run = followups_run_daily(day=date.fromisoformat(day) if day else timezone.localdate())
    return run.pk
