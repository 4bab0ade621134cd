"""The registers' demo data: three months of walk-ins and phone-ins, deterministic from the seed."""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count

from demo import registers
from demo.staff import build_staff
from leads.models import Customer, DutySlot, PhoneCall, Visit
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _snapshot():
    return sorted(Visit.objects.values_list("visit_date", "arrived_at", "consultant__username", "phone", "test_drive"))


def test_demo_builds_three_months_of_registers_with_repeat_visits_and_test_drives():
    staff = build_staff()
    for n in range(1, 9):  # a few customers of the customers demo, to come back
        prospect_create(consultant=staff[f"consultant{n}"], phone=f"1380000000{n}")
    # when
    registers.build(rng=random.Random(7), today=TODAY, staff=staff)
    # then
    days = Visit.objects.values("visit_date").annotate(n=Count("id"))
    assert len(days) == registers.DAYS == 90 and min(row["visit_date"] for row in days) == date(2025, 12, 11)
    assert Visit.objects.filter(is_first_visit=False, customer__isnull=False).exists()
    assert Visit.objects.filter(test_drive=True).exists()
    assert Visit.objects.filter(visit_date=TODAY, left_at__isnull=True).count() == 2
    assert PhoneCall.objects.filter(customer__isnull=False).count() == PhoneCall.objects.count() > 0
    assert DutySlot.objects.filter(day=TODAY).exists()
    # one card per phone, every completed walk-in attached to a customer; some parties only looked around
    assert Customer.objects.values("phone").distinct().count() == Customer.objects.count()
    assert not Visit.objects.filter(completed_at__isnull=False, customer__isnull=True).exists()
    assert Visit.objects.filter(visit_date__lt=TODAY, customer__isnull=True, left_at__isnull=False).exists()
    # today's rows all lie before now (18:00)
    assert not Visit.objects.filter(visit_date=TODAY, arrived_at__gt="17:45").exists()
    assert not PhoneCall.objects.filter(call_date=TODAY, called_at__gt="17:55").exists()


def test_demo_is_deterministic_for_a_seed():
    staff = build_staff()
    registers.build(rng=random.Random(3), today=TODAY, staff=staff)
    first = _snapshot()
    PhoneCall.objects.all().delete()
    Visit.objects.all().delete()
    DutySlot.objects.all().delete()
    Customer.objects.all().delete()
    registers.build(rng=random.Random(3), today=TODAY, staff=staff)
    assert _snapshot() == first
