"""Helpers for owners tests: customers brought to each status through the real services."""

from datetime import date

import pytest

from leads.models import CarModel, Customer, DefeatReason
from leads.services import defeat_approve, defeat_file, order_record
from owners.services import delivery_record, owner_create
from owners.vin import with_check_digit
from tests.factories import prospect_create

_counter = iter(range(1, 1_000_000))


def next_vin() -> str:
    return with_check_digit(f"LSVAB4180E{next(_counter):07d}")


def vehicle_fields(**fields) -> dict:
    return {"vin": next_vin(), "plate": "沪A00001", "car_model": CarModel.objects.first(),
            "delivered_on": date(2024, 1, 31), **fields}


def ordered(consultant, **fields) -> Customer:
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, **fields)
    order_record(customer=customer, by=consultant,
                 fields={"ordered_on": customer.first_contact_on, "car_model": CarModel.objects.first()})
    customer.refresh_from_db()
    return customer


def delivered(consultant, *, delivered_on=date(2024, 1, 31), **fields) -> Customer:
    customer = ordered(consultant, **fields)
    delivery_record(customer=customer, by=consultant, vehicle=vehicle_fields(delivered_on=delivered_on))
    customer.refresh_from_db()
    return customer


def owner(consultant, *, phone, source="other_brand", **fields) -> Customer:
    return owner_create(
        fields={"name": fields.pop("name", "车主"), "phone": phone, **fields},
        vehicle=vehicle_fields(brand="丰田", model_name="凯美瑞", car_model=None),
        source=source, consultant=consultant, by=consultant,
    )


def defeated(consultant, manager, *, brand="丰田", reason=None, **fields) -> Customer:
    customer = prospect_create(consultant=consultant, **fields)
    defeat = defeat_file(customer=customer, by=consultant, fields={
        "reason": reason or DefeatReason.objects.first(), "brand_bought": brand, "analysis": "价格差距太大"})
    defeat_approve(defeat=defeat, by=manager)
    customer.refresh_from_db()
    return customer


@pytest.fixture
def owners_helpers():
    return {"ordered": ordered, "delivered": delivered, "owner": owner, "defeated": defeated}
