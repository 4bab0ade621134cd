"""Delivery keeps the card's history and starts the care plan (docs/domain.md, "Follow-ups") with exact dates."""

from datetime import date

import pytest
import time_machine

from followups.models import Task
from followups.services import followups_run_daily
from leads.models import Customer, CustomerChange
from owners.care import birthday_in, milestone_due
from owners.models import Vehicle
from owners.services import care_tasks_create
from tests.owners.conftest import delivered, owner

pytestmark = pytest.mark.django_db


def _due(customer, kind=Task.Kind.CARE_MILESTONE):
    return sorted(Task.objects.filter(customer=customer, kind=kind).values_list("due_on", flat=True))


def test_month_arithmetic_clips_to_month_ends_and_leap_days():
    assert milestone_due(date(2024, 1, 31), months=1, days=0) == date(2024, 2, 29)
    assert milestone_due(date(2023, 1, 31), months=1, days=0) == date(2023, 2, 28)
    assert milestone_due(date(2024, 1, 31), months=0, days=2) == date(2024, 2, 2)
    assert birthday_in(date(1988, 2, 29), 2025) == date(2025, 2, 28)
    assert birthday_in(date(1988, 2, 29), 2028) == date(2028, 2, 29)


@time_machine.travel(date(2025, 2, 28), tick=False)
def test_insurance_renewal_is_due_a_month_before_the_anniversary_clipped_to_the_month_end(consultant):
    customer = delivered(consultant, delivered_on=date(2024, 3, 31))

    care_tasks_create(date(2025, 2, 28))

    assert _due(customer, kind=Task.Kind.INSURANCE) == [date(2025, 2, 28)]


@time_machine.travel(date(2024, 1, 31), tick=False)
def test_delivery_keeps_the_same_card_and_its_history(consultant):
    # given an ordered prospect with a grade history and an open follow-up task
    customer = delivered(consultant, delivered_on=date(2024, 1, 31))
    # then it is the same row, now delivered, with a status change recorded and its prospect tasks closed
    assert customer.status == Customer.Status.DELIVERED
    assert Vehicle.objects.get(customer=customer).source == Vehicle.Source.SELF_SOLD
    statuses = list(customer.changes.filter(field=CustomerChange.Field.STATUS).values_list("new_value", flat=True))
    assert statuses[0] == Customer.Status.DELIVERED and Customer.Status.ORDERED in statuses
    assert customer.changes.filter(field=CustomerChange.Field.GRADE).exists()
    assert not Task.objects.filter(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).exists()


def test_care_plan_creates_milestones_on_exact_dates(consultant):
    # given a car delivered on 31 January 2024 (a leap year)
    with time_machine.travel(date(2024, 1, 31), tick=False):
        customer = delivered(consultant, delivered_on=date(2024, 1, 31))
    # when the daily job runs on the right days
    for day in (date(2024, 2, 2), date(2024, 2, 7), date(2024, 2, 29), date(2024, 4, 30)):
        with time_machine.travel(day, tick=False):
            followups_run_daily(day=day)
    # then: +2 days, +7 days, +1 month (29 Feb), +3 months (30 April)
    assert _due(customer) == [date(2024, 2, 2), date(2024, 2, 7), date(2024, 2, 29), date(2024, 4, 30)]
    assert set(Task.objects.filter(customer=customer, kind=Task.Kind.CARE_MILESTONE).values_list("assignee", flat=True)) == {consultant.pk}


def test_daily_step_catches_up_missed_days_and_is_idempotent(consultant):
    with time_machine.travel(date(2024, 1, 31), tick=False):
        customer = delivered(consultant, delivered_on=date(2024, 1, 31))
    # when the job did not run for a week and then runs twice
    created = care_tasks_create(date(2024, 2, 7))
    again = care_tasks_create(date(2024, 2, 7))
    # then both the 2-day and the 7-day tasks exist, once each
    assert created == 2 and again == 0
    assert _due(customer) == [date(2024, 2, 2), date(2024, 2, 7)]


def test_insurance_renewal_a_month_before_anniversary_and_birthday_on_28_february(consultant):
    # given an owner born on 29 February, car delivered on 31 March 2024
    customer = owner(consultant, phone="13900000001", birthday=date(1988, 2, 29))
    Vehicle.objects.filter(customer=customer).update(delivered_on=date(2024, 3, 31))
    # when the job runs on 28 February 2025 (not a leap year)
    created = care_tasks_create(date(2025, 2, 28))
    # then insurance renewal (a month before 31 March = 28 Feb) and the birthday are due that day
    assert _due(customer, Task.Kind.INSURANCE) == [date(2025, 2, 28)]
    assert _due(customer, Task.Kind.BIRTHDAY) == [date(2025, 2, 28)]
    assert created == 2


def test_inactive_milestone_creates_no_task(consultant):
    from owners.models import CareMilestone

    CareMilestone.objects.filter(months=0, days=2).update(is_active=False)
    with time_machine.travel(date(2024, 1, 31), tick=False):
        customer = delivered(consultant, delivered_on=date(2024, 1, 31))
    care_tasks_create(date(2024, 2, 3))
    assert _due(customer) == []


def test_a_milestone_stored_outside_the_bounds_does_not_stop_the_daily_job(consultant):
    from owners.models import CareMilestone

    customer = delivered(consultant, delivered_on=date(2024, 1, 31))
    CareMilestone.objects.filter(months=60).update(months=32_767)

    with time_machine.travel(date(2024, 2, 2), tick=False):
        followups_run_daily(day=date(2024, 2, 2))

    assert _due(customer) == [date(2024, 2, 2)]  # the 2-day call still comes
