from django.db import migrations

# grade: (first follow-up within days, at least times, every days) — docs/domain.md, "Grades"
PRESETS = {
    "SVW": (
        "上海大众核心销售流程",
        True,
        {"O": (None, 1, 7), "H": (1, 1, 2), "A": (3, 2, 3), "B": (7, 1, 4), "C": (15, 1, 7), "N": (30, 1, 15)},
    ),
    "Lotus": (
        "莲花汽车销售流程",
        False,
        {"O": (None, 1, 7), "H": (None, 1, 2), "A": (None, 1, 4), "B": (None, 1, 7), "C": (None, 1, 15), "N": (None, 1, 30)},
    ),
}


def create_presets(apps, schema_editor):
    RuleSet = apps.get_model("followups", "RuleSet")
    GradeRule = apps.get_model("followups", "GradeRule")
    for name, (description, active, grades) in PRESETS.items():
        rule_set, created = RuleSet.objects.get_or_create(name=name, defaults={"description": description, "is_active": active})
        if created:
            for grade, (first, times, per_days) in grades.items():
                GradeRule.objects.create(rule_set=rule_set, grade=grade, first_within_days=first, times=times, per_days=per_days)


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="Daily follow-ups (06:00)",
        defaults={"task": "followups.tasks.followups_run_daily_task", "crontab": schedule},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(create_presets, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, migrations.RunPython.noop),
    ]
