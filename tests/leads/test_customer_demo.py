"""The demo prospects: every grade and card state, due-today and overdue follow-ups, orders, defeats."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from demo import prospects
from demo.staff import build_staff
from followups.models import Task
from leads.models import CarModel, Channel, Colour, Contact, Customer, Defeat, Order

pytestmark = pytest.mark.django_db


def test_demo_builds_a_realistic_dealership():
    # given
    staff = build_staff()
    today = timezone.localdate()
    # when
    prospects.build(rng=random.Random(2026), today=today, staff=staff)
    # then
    customers = Customer.objects.all()
    assert 8 * 23 <= customers.count() <= 8 * 27
    for number in range(1, 9):
        assert customers.filter(consultant=staff[f"consultant{number}"]).count() >= 23
    assert set(customers.values_list("grade", flat=True)) == set(Customer.Grade.values)
    assert {"active", "ordered", "defeat_pending", "defeated"} <= set(customers.values_list("status", flat=True))
    assert set(customers.values_list("card_status", flat=True)) == set(Customer.CardStatus.values)
    assert Contact.objects.count() > customers.count()
    assert Contact.objects.filter(contacted_at__date__lt=today).exists()
    assert Order.objects.count() >= 8
    assert Defeat.objects.filter(status=Defeat.Status.PENDING).exists()
    pending = Task.objects.filter(status__in=Task.PENDING, kind__in=Task.PROSPECT_KINDS)
    assert pending.filter(due_on=today).exists()
    assert pending.filter(due_on__lt=today).exists()
    assert pending.filter(due_on__gt=today).exists()
    assert customers.filter(first_contact_on__lte=today - timedelta(days=35)).exists()


def test_demo_card_fields_are_deterministic():
    codes = {"channels": list(Channel.objects.all()), "models": list(CarModel.objects.all()), "colours": list(Colour.objects.all())}
    first = prospects._card_fields(random.Random(7), grade="A", phone="13900000000", codes=codes)
    second = prospects._card_fields(random.Random(7), grade="A", phone="13900000000", codes=codes)
    assert first == second and first["name"]
