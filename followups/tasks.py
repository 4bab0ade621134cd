from datetime import date

from celery import shared_task
from django.utils import timezone

from followups.services import followups_run_daily


@shared_task
def followups_run_daily_task(day: str | None = None) -> int:
    """The daily job; `day` (YYYY-MM-DD) defaults to today in the dealership's time zone.

    Beat sends it at 06:00 (the morning run) and again every hour at :05, which finishes a day whose
    run was missed or cut short and otherwise changes nothing. Acknowledged only when it ends
    (`CELERY_TASK_ACKS_LATE`), so a killed worker's run is delivered again (settings, "Celery").
    """
    run = followups_run_daily(day=date.fromisoformat(day) if day else timezone.localdate())
    return run.pk
