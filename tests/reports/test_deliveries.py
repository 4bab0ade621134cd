"""A delivery is a car this dealership sold, handed over: the order → delivery step (`delivery_record`).

An owner added by hand or imported enters as `delivered` too, with a vehicle, but sold no car here:
the daily report, the board and the channel report must not count it.
"""

import importlib
from datetime import date

import pytest
from django.apps import apps

from leads.models import Customer
from owners.importing import rows_import
from owners.models import Vehicle
from owners.services import owner_create, vehicle_add
from reports.board import performance_board
from reports.channels import channel_report
from reports.daily import daily_activity
from tests.reports.conftest import DAY, at, customer, d, deliver, moment, next_vin, order

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def deliveries_seen_by(user, consultant):
    """Deliveries of `consultant` on DAY in the daily report (day, month to date), the board and the
    channel report (the whole dealership's total)."""
    daily = next(row for row in daily_activity(user=user, day=DAY).rows if row.consultant == consultant)
    board = next(row for row in performance_board(user=user, month=MARCH).rows if row.consultant == consultant)
    channels = channel_report(user=user, start=MARCH, end=d(3, 31))
    return {
        "daily": (daily.day["deliveries"], daily.mtd["deliveries"]),
        "board": board.funnel["deliveries"],
        "channels": channels.channel_total.figures["deliveries"],
    }


@pytest.fixture
def owners_not_sold_here(frozen, codes, cadences, consultant):
    """On the day, alice adds an owner by hand and imports another, each with a car of our brand."""
    with moment(at(DAY, 9)):
        by_hand = owner_create(
            fields={"name": "手工车主", "phone": "13900000001"},
            vehicle={"vin": next_vin(), "car_model": codes["model"], "delivered_on": DAY},
            source=Vehicle.Source.SELF_SOLD, consultant=consultant, by=consultant,
        )
        imported = rows_import([{
            "kind": "self_sold", "name": "导入车主", "phone": "13900000002", "car_model": codes["model"].name,
            "vin": next_vin(), "delivered_on": DAY.isoformat(),
        }], by=consultant)
    assert imported[0].ok, imported[0].errors
    owners = Customer.objects.filter(phone__in=["13900000001", "13900000002"], status=Customer.Status.DELIVERED)
    assert owners.count() == 2 and Vehicle.objects.filter(customer__in=owners, delivered_on=DAY).count() == 2
    return by_hand


def test_owners_added_by_hand_or_imported_are_no_deliveries(owners_not_sold_here, sales_manager, consultant):
    assert deliveries_seen_by(sales_manager, consultant) == {"daily": (0, 0), "board": 0, "channels": 0}


def test_a_delivery_recorded_on_an_order_counts_everywhere(owners_not_sold_here, sales_manager, consultant, codes):
    buyer = customer(consultant, d(3, 2), grade="H")
    sale = order(buyer, d(3, 6), codes["model"])

    vehicle = deliver(buyer, DAY, codes["model"])

    assert vehicle.order == sale
    assert deliveries_seen_by(sales_manager, consultant) == {"daily": (1, 1), "board": 1, "channels": 1}


def test_a_delivery_completes_the_customers_latest_order(frozen, codes, consultant):
    buyer = customer(consultant, d(3, 2), grade="H")
    order(buyer, d(3, 3), codes["model"])
    second = order(buyer, d(3, 6), codes["model"])  # a second car on the open order

    assert deliver(buyer, DAY, codes["model"]).order == second


def test_migration_links_cars_sold_by_us_to_the_owners_latest_order(owners_not_sold_here, codes, consultant):
    link_orders = importlib.import_module("owners.migrations.0003_vehicle_order").link_orders
    buyer = customer(consultant, d(3, 2), grade="H")
    order(buyer, d(3, 3), codes["model"])
    latest = order(buyer, d(3, 6), codes["model"])
    deliver(buyer, DAY, codes["model"])
    # cars recorded before vehicles had an order: one sold by us, one of another brand
    fields = {"vin": next_vin(), "car_model": codes["model"], "delivered_on": DAY}
    ours = vehicle_add(customer=buyer, source=Vehicle.Source.SELF_SOLD, fields=fields, by=consultant)
    theirs = vehicle_add(
        customer=buyer, source=Vehicle.Source.OTHER_BRAND, by=consultant,
        fields={"vin": next_vin(), "brand": "丰田", "model_name": "凯美瑞", "delivered_on": DAY},
    )

    link_orders(apps, None)

    ours.refresh_from_db(), theirs.refresh_from_db()
    assert ours.order == latest
    assert theirs.order is None
    assert owners_not_sold_here.vehicles.get().order is None  # sold by us, says the form, but no order here
