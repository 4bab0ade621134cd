from django.db import migrations, models

# The care tasks inviting a trade-in, before the flag existed, said so in their text only.
TRADE_IN_WORDS = ("置换", "换购")
PROSPECT_KINDS = ("first_contact", "cadence", "appointment")
PENDING = ("open", "overdue")


def backfill(apps, schema_editor):
    """Pending trade-in care tasks get the flag; pending tasks without a planned date get their current
    date as the first one (the daily job's tasks had none before `planned_dates_record`)."""
    Task = apps.get_model("followups", "Task")
    PlannedDate = apps.get_model("followups", "PlannedDate")
    trade_in = models.Q()
    for word in TRADE_IN_WORDS:
        trade_in |= models.Q(reason__contains=word)
    Task.objects.filter(trade_in, kind="care", status__in=PENDING).update(offers_trade_in=True)
    has_row = PlannedDate.objects.filter(task=models.OuterRef("pk"))
    missing = (
        Task.objects.filter(status__in=PENDING).exclude(kind="escalation").filter(~models.Exists(has_row))
        .order_by("pk").values_list("pk", "due_on", "reason")
    )
    PlannedDate.objects.bulk_create(
        (PlannedDate(task_id=pk, planned_on=due_on, reason=reason) for pk, due_on, reason in missing.iterator()),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("followups", "0009_grading_help")]

    operations = [
        migrations.AddField(
            model_name="task",
            name="offers_trade_in",
            field=models.BooleanField(default=False, verbose_name="offers a trade-in"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="planneddate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("replaced_on__isnull", True)), fields=("task",), name="one_current_planned_date"
            ),
        ),
    ]
