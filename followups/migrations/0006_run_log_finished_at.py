from datetime import timedelta

from django.db import migrations, models


def finish_earlier_runs(apps, schema_editor):
    """Rows written before this migration were written when their run ended: they are finished."""
    RunLog = apps.get_model("followups", "RunLog")
    rows = list(RunLog.objects.filter(finished_at__isnull=True, duration_ms__isnull=False))
    for row in rows:
        row.finished_at = row.started_at + timedelta(milliseconds=row.duration_ms)
    RunLog.objects.bulk_update(rows, ["finished_at"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('followups', '0005_declared_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='runlog',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='runlog',
            name='duration_ms',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='duration (ms)'),
        ),
        migrations.RunPython(finish_earlier_runs, migrations.RunPython.noop),
    ]
