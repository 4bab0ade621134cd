from django.db import migrations

# months, days, kind, purpose — docs/domain.md, "Follow-ups" (from the Lotus and owner-base manuals)
MILESTONES = [
    (0, 2, "care", "交车2天内：电话祝贺、感谢购车"),
    (0, 7, "care", "交车7天：首保提醒，请求转介绍"),
    (1, 0, "care", "交车1个月回访：用车情况"),
]
for months in range(3, 61, 3):
    purpose = "保养提醒（5000–7500公里）"
    if months in (12, 24):
        purpose = "保险续保、年检提醒；" + purpose
    elif months in (36, 48, 60):
        purpose = "置换邀约；" + purpose
    MILESTONES.append((months, 0, "care", f"交车{months}个月：{purpose}"))


def create(apps, schema_editor):
    CareMilestone = apps.get_model("owners", "CareMilestone")
    for months, days, kind, purpose in MILESTONES:
        CareMilestone.objects.get_or_create(months=months, days=days, kind=kind, defaults={"purpose": purpose})


class Migration(migrations.Migration):
    dependencies = [("owners", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
