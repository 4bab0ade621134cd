"""`manage.py check_data`: rows stored outside the bounds (imported, or from before them), listed by model,
field and id without reading the bad values."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from followups.models import GradeRule
from leads.models import Contact, Customer, Order, Visit
from leads.services import contact_log
from owners.models import CareMilestone, Vehicle
from tests.factories import prospect_create
from tests.owners.conftest import delivered

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=SHANGHAI), tick=False):
        yield


def check_data() -> str:
    out = StringIO()
    call_command("check_data", stdout=out)
    return out.getvalue()


def test_clean_data_reports_nothing_found(consultant):
    # given a prospect with a contact and an owner with a car, all within bounds
    customer = prospect_create(consultant=consultant, grade="B")
    contact_log(
        customer=customer, by=consultant, contacted_at=datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI), method="phone",
        content="问价", grade_after="A",
    )
    delivered(consultant, phone="13900000001")
    # when / then: no error (exit status 0)
    assert "Nothing found" in check_data()


def test_rows_outside_the_bounds_are_listed_per_model_and_field_with_ids(consultant):
    # given rows written past the forms, as an old import or a bug would have
    customer = prospect_create(consultant=consultant, grade="B")
    other = prospect_create(consultant=consultant, grade="C")
    # 1 January of year 1 in Shanghai is year 0 in UTC: PostgreSQL stores it but it cannot be read back;
    # SQLite's driver cannot even write it, so there the day after (still far outside the bounds).
    year_one = datetime(1, 1, 1 if connection.vendor == "postgresql" else 2, 0, 0, tzinfo=SHANGHAI)
    contact = contact_log(
        customer=customer, by=consultant, contacted_at=datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI), method="phone",
        content="问价", grade_after="B",
    )
    Contact.objects.filter(pk=contact.pk).update(contacted_at=year_one)
    Customer.objects.filter(pk__in=[customer.pk, other.pk]).update(birthday=date(1850, 1, 1))
    owner = delivered(consultant, phone="13900000001")
    vehicle = Vehicle.objects.get(customer=owner)
    Vehicle.objects.filter(pk=vehicle.pk).update(delivered_on=date(9999, 12, 31), mileage_km=2_000_001)
    milestone = CareMilestone.objects.first()
    CareMilestone.objects.filter(pk=milestone.pk).update(months=32767)
    Order.objects.filter(customer=owner).update(price=Decimal(-1))
    rule = GradeRule.objects.first()
    GradeRule.objects.filter(pk=rule.pk).update(per_days=32767)
    # when
    out = StringIO()
    with pytest.raises(CommandError, match="8 values outside the bounds"):
        call_command("check_data", stdout=out)
    # then every bad value is listed with its model, field and ids
    lines = out.getvalue().splitlines()
    assert f"leads.Contact.contacted_at: 1 row outside 2000-01-01 00:00 … 2026-03-10 15:05 (ids {contact.pk})" in lines
    assert any(line.startswith("leads.Customer.birthday: 2 rows outside 1900-01-01 … 2026-03-10") for line in lines)
    assert f"ids {min(customer.pk, other.pk)}, {max(customer.pk, other.pk)})" in out.getvalue()
    assert f"owners.Vehicle.delivered_on: 1 row outside 2000-01-01 … 2026-04-10 (ids {vehicle.pk})" in lines
    assert f"owners.Vehicle.mileage_km: 1 row outside 0 … 2000000 (ids {vehicle.pk})" in lines
    assert f"owners.CareMilestone.months: 1 row outside 0 … 240 (ids {milestone.pk})" in lines
    assert any(line.startswith("leads.Order.price: 1 row") for line in lines)
    assert f"followups.GradeRule.per_days: 1 row outside 1 … 366 (ids {rule.pk})" in lines
    assert len(lines) == 7


def test_a_long_list_shows_the_first_ids_and_the_count(consultant):
    from leads import register_services

    for _ in range(22):
        register_services.visit_add(by=consultant, visit_date=date(2026, 3, 10), arrived_at=datetime.now().time(), consultant=consultant)
    Visit.objects.update(party_size=0)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_data", stdout=out)
    assert "leads.Visit.party_size: 22 rows outside 1 … 50" in out.getvalue()
    assert "and 2 more)" in out.getvalue()
