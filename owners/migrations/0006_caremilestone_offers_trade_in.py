from django.db import migrations, models

# The shipped trade-in milestones (0002_care_milestones: 交车36/48/60个月：置换邀约), and any step a
# dealership wrote itself whose purpose invites a trade-in (置换 / 换购).
TRADE_IN_MONTHS = (36, 48, 60)
TRADE_IN_WORDS = ("置换", "换购")


def mark(apps, schema_editor):
    CareMilestone = apps.get_model("owners", "CareMilestone")
    trade_in = models.Q(months__in=TRADE_IN_MONTHS, days=0, kind="care")
    for word in TRADE_IN_WORDS:
        trade_in |= models.Q(purpose__contains=word)
    CareMilestone.objects.filter(trade_in).update(offers_trade_in=True)


class Migration(migrations.Migration):
    dependencies = [("owners", "0005_bounds")]

    operations = [
        migrations.AddField(
            model_name="caremilestone",
            name="offers_trade_in",
            field=models.BooleanField(default=False, verbose_name="offers a trade-in"),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
