from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from followups.services import followups_run_daily


class Command(BaseCommand):
    help = (
        "Run the daily follow-up job (what Celery beat runs each morning and every hour) for a day. "
        "For a past day it creates that day's dated tasks; overdue and escalations are judged as of today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=date.fromisoformat,
            help="YYYY-MM-DD (default: today). A past day escalates nothing; the run for today does.",
        )

    def handle(self, *args, date=None, **options):
        run = followups_run_daily(day=date or timezone.localdate())
        self.stdout.write(
            f"Follow-ups for {run.day}: {run.created} created, {run.closed} closed, "
            f"{run.marked_overdue} marked overdue, {run.escalated} escalated ({run.duration_ms} ms)."
        )
