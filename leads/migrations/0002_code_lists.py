from django.db import migrations

CHANNELS = [
    ("A", "报纸"), ("B", "电台"), ("C", "电视"), ("D", "网站"), ("E", "横幅/路牌"),
    ("F", "车展/展会"), ("G", "直邮(DM)"), ("H", "熟人介绍"), ("I", "路过"), ("J", "其他"),
]
DEFEAT_REASONS = ["价格", "产品", "竞品促销", "贷款/金融", "置换价格", "地点", "服务", "购车时机", "其他"]
CAR_MODELS = ["朗逸", "帕萨特", "途观L", "途岳", "ID.4 X", "凌渡L"]
COLOURS = ["珍珠白", "极地银", "深海蓝", "曜石黑", "玛瑙红", "钛金灰"]


def create(apps, schema_editor):
    for order, (code, name) in enumerate(CHANNELS):
        apps.get_model("leads", "Channel").objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for model_name, names in (("DefeatReason", DEFEAT_REASONS), ("CarModel", CAR_MODELS), ("Colour", COLOURS)):
        model = apps.get_model("leads", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
