"""The whole demo dealership (seed_demo): the daily report's figures are the rows behind them, the
board's conversions stay under 100 %, and nothing is dated later than now."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.brands import BRANDS
from followups.models import Task
from leads.models import Contact, Customer, Defeat, NewProspect, Order, OrderCancellation, PhoneCall, TestDrive, Visit
from owners.models import Vehicle
from reports.board import performance_board
from reports.daily import daily_activity
from reports.periods import local_days, month_first, previous_month

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 18, 15, 20, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday afternoon


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module, at NOW, in a transaction rolled back after the module (each test
    runs in its own savepoint inside it); the tests read it frozen at the same moment."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(NOW, tick=False):
                call_command("seed_demo", seed=2026, stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def frozen(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def _rows_of(day):
    return {
        "first_visits": Visit.objects.filter(visit_date=day, is_first_visit=True).count(),
        "return_visits": Visit.objects.filter(visit_date=day, is_first_visit=False).count(),
        "phone_ins": PhoneCall.objects.filter(call_date=day).count(),
        "contacts": Contact.objects.filter(local_days("contacted_at", day, day), origin=Contact.Origin.LOGGED).count()
        + Visit.objects.filter(visit_date=day).count() + PhoneCall.objects.filter(call_date=day).count(),
        "new_prospects": NewProspect.objects.filter(became_on=day).count(),
        "test_drives": TestDrive.objects.filter(local_days("driven_at", day, day)).count(),
        "orders": Order.objects.filter(ordered_on=day).count(),
        "cancellations": OrderCancellation.objects.filter(cancelled_on=day).count(),
        "deliveries": Vehicle.objects.filter(order__isnull=False, delivered_on=day).count(),
        "defeats": Defeat.objects.filter(local_days("decided_at", day, day), status=Defeat.Status.APPROVED).count(),
        "followups_done": Task.objects.filter(local_days("closed_at", day, day), status=Task.Status.DONE).count(),
    }


@pytest.mark.parametrize("days_ago", [0, 1, 6, 30])
def test_the_daily_report_counts_the_demo_rows_behind_it(days_ago):
    day = timezone.localdate() - timedelta(days=days_ago)
    report = daily_activity(user=User.objects.get(username="salesmgr"), day=day)
    rows = _rows_of(day)
    assert {key: report.total.day[key] for key in rows} == rows
    if days_ago:
        assert rows["first_visits"] > 0 and rows["contacts"] > rows["first_visits"]


def test_follow_ups_done_on_a_day_are_the_contacts_logged_that_day():
    day = timezone.localdate() - timedelta(days=2)
    done = Task.objects.filter(local_days("closed_at", day, day), status=Task.Status.DONE, contact__isnull=False)
    assert done.exists()
    assert all(timezone.localdate(task.contact.contacted_at) == day for task in done.select_related("contact"))
    report = daily_activity(user=User.objects.get(username="salesmgr"), day=day)
    assert report.total.day["followups_done"] <= report.total.day["contacts"]


def test_today_has_a_believable_amount_of_work():
    report = daily_activity(user=User.objects.get(username="salesmgr"), day=timezone.localdate())
    consultants = 8
    assert report.total.day["orders"] <= consultants and report.total.day["deliveries"] <= consultants
    assert report.total.day["followups_done"] <= report.total.day["contacts"]
    assert report.total.day["defeats"] <= 3


def test_the_board_conversions_stay_in_a_realistic_range():
    manager = User.objects.get(username="salesmgr")
    last_month = previous_month(month_first(timezone.localdate()))
    for month in (previous_month(last_month), last_month, month_first(timezone.localdate())):
        board = performance_board(user=manager, month=month)
        for row in [*board.rows, board.total]:
            assert all(rate is None or 0 <= rate <= 100 for rate in row.rates.values()), (month, row.label, row.rates)
    total = performance_board(user=manager, month=last_month).total
    assert 2 <= total.rates["prospect_to_order"] <= 30
    assert 50 <= total.rates["first_visit_to_card"] <= 90
    assert 1 <= total.funnel["deliveries"] <= 8 * 5  # a few per consultant
    assert 8 <= total.funnel["orders"] <= 8 * 6


def test_nothing_is_dated_later_than_now():
    now, today = timezone.now(), timezone.localdate()
    assert not Contact.objects.filter(contacted_at__gt=now).exists()
    assert not Visit.objects.filter(visit_date__gt=today).exists()
    assert all(
        datetime.combine(v.visit_date, v.left_at or v.arrived_at, tzinfo=ZoneInfo("Asia/Shanghai")) <= now
        for v in Visit.objects.filter(visit_date=today)
    )
    assert all(
        datetime.combine(c.call_date, c.called_at, tzinfo=ZoneInfo("Asia/Shanghai")) <= now
        for c in PhoneCall.objects.filter(call_date=today)
    )
    assert not Order.objects.filter(ordered_on__gt=today).exists()
    assert not Vehicle.objects.filter(delivered_on__gt=today).exists()
    assert not TestDrive.objects.filter(driven_at__gt=now).exists()
    for model in (Customer, Contact, Visit, PhoneCall, Order, NewProspect, TestDrive, Task, Vehicle):
        assert not model.objects.filter(created_at__gt=now).exists(), model.__name__
    assert not Task.objects.filter(closed_at__gt=now).exists()
    assert not Customer.objects.filter(card_signed_at__gt=now).exists()
    assert not Defeat.objects.filter(decided_at__gt=now).exists()


def test_cards_are_signed_the_day_they_are_made_but_a_few_of_todays():
    today = timezone.localdate()
    signed = Customer.objects.filter(card_signed_at__isnull=False)
    assert all(timezone.localdate(c.card_signed_at) == timezone.localdate(c.created_at) for c in signed)
    pending = Customer.objects.filter(card_status=Customer.CardStatus.PENDING)
    assert pending.exists()
    assert all(timezone.localdate(c.created_at) == today for c in pending)
    assert len({timezone.localtime(c.created_at).strftime("%H:%M") for c in Customer.objects.all()}) > 50


def test_competitors_are_real_brand_and_model_pairs():
    pairs = {f"{brand}{model}" for brand, models in BRANDS.items() for model in models}
    for text in Customer.objects.exclude(competitor_models="").values_list("competitor_models", flat=True):
        assert set(text.split("、")) <= pairs
    for brand, model in Defeat.objects.values_list("brand_bought", "model_bought"):
        assert model in BRANDS[brand]
    for brand, model in Vehicle.objects.exclude(brand="").values_list("brand", "model_name"):
        assert model in BRANDS[brand]
