"""A vehicle delivered here points at the order it was sold on; the reports count those as deliveries.

Back-fill: a vehicle sold by us (`self_sold`) whose customer has orders gets that customer's latest
order, as `delivery_record` now sets it. Owners added by hand or imported without an order keep none.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def link_orders(apps, schema_editor):
    Order = apps.get_model("leads", "Order")
    Vehicle = apps.get_model("owners", "Vehicle")
    orders = Order.objects.filter(customer=OuterRef("customer"))
    latest = orders.order_by("-ordered_on", "-pk").values("pk")[:1]
    Vehicle.objects.filter(source="self_sold", order__isnull=True).filter(Exists(orders)).update(order=Subquery(latest))


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0005_declared_indexes"),
        ("owners", "0002_care_milestones"),
    ]

    operations = [
        migrations.AddField(
            model_name="vehicle",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliveries",
                to="leads.order",
                verbose_name="order",
            ),
        ),
        migrations.RunPython(link_orders, migrations.RunPython.noop),
    ]
