"""The daily job runs again every hour at :05 (Asia/Shanghai), besides the 06:00 morning run.

The job is idempotent, so an hourly run changes nothing after a complete one and finishes a day whose
morning run was missed or cut short (a killed worker). docs/architecture.md, "The daily job".
"""

from django.db import migrations
from django.utils import timezone

TASK = "followups.tasks.followups_run_daily_task"
HOURLY = "Follow-ups, hourly re-run (hh:05)"


def _schedule_changed(apps):
    # A running beat reloads its schedule when this row changes; the signal that usually bumps it
    # is not sent for the historical models of a migration.
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def create_hourly_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    _, created = PeriodicTask.objects.get_or_create(name=HOURLY, defaults={"task": TASK, "crontab": schedule})
    if created:
        _schedule_changed(apps)


def delete_hourly_schedule(apps, schema_editor):
    if apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=HOURLY).delete()[0]:
        _schedule_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0006_run_log_finished_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(create_hourly_schedule, delete_hourly_schedule),
    ]
