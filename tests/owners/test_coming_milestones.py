"""The owner card lists the care plan's next steps with their dates, marked coming, before any task exists."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from followups.models import Task
from leads.models import CarModel
from owners.models import CareMilestone, Vehicle
from tests.owners.conftest import delivered, next_vin, ordered

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 15)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def care_plan():
    CareMilestone.objects.all().delete()
    return [
        CareMilestone.objects.create(months=0, days=3, purpose="Three-day call"),
        CareMilestone.objects.create(months=1, days=0, purpose="First month check"),
        CareMilestone.objects.create(months=3, days=0, purpose="First maintenance"),
        CareMilestone.objects.create(months=6, days=0, purpose="Half-year visit"),
        CareMilestone.objects.create(months=12, days=0, purpose="One year"),
        CareMilestone.objects.create(months=24, days=0, purpose="Two years"),
        CareMilestone.objects.create(months=36, days=0, purpose="Trade-in offer", offers_trade_in=True),
        CareMilestone.objects.create(months=48, days=0, purpose="Switched off", is_active=False),
    ]


def open_card(client, owner):
    with time_machine.travel(TODAY, tick=False):
        return client.get(reverse("owners:owner_detail", args=[owner.pk]))


def test_owner_card_lists_next_milestones_with_dates_marked_coming(login, consultant, care_plan):
    # given an owner delivered on 31 January 2024 (one month later is 29 February: calendar months)
    owner = delivered(consultant, delivered_on=date(2024, 1, 31))
    tasks_before = Task.objects.filter(customer=owner).count()
    # when the card is opened on 15 March 2024
    response = open_card(login(consultant), owner)
    # then the steps after today, nearest first, at most five, with their dates; no task is made
    steps = response.context["coming_milestones"]
    assert [(s.due_on, s.purpose) for s in steps] == [
        (date(2024, 4, 30), "First maintenance"),
        (date(2024, 7, 31), "Half-year visit"),
        (date(2025, 1, 31), "One year"),
        (date(2026, 1, 31), "Two years"),
        (date(2027, 1, 31), "Trade-in offer"),
    ]
    assert response.text.count('data-testid="coming-milestone"') == 5
    assert "2024-04-30" in response.text and "First maintenance" in response.text and "coming" in response.text
    assert "Switched off" not in response.text
    assert Task.objects.filter(customer=owner).count() == tasks_before


def test_milestone_due_today_is_not_coming(login, consultant, care_plan):
    owner = delivered(consultant, delivered_on=date(2024, 2, 15))  # one month: 15 March, today

    steps = open_card(login(consultant), owner).context["coming_milestones"]

    assert [s.purpose for s in steps][:1] == ["First maintenance"]


def test_two_vehicles_give_each_their_dates_once(login, consultant, care_plan):
    owner = delivered(consultant, delivered_on=date(2024, 1, 31))
    Vehicle.objects.create(customer=owner, vin=next_vin(), delivered_on=date(2024, 3, 1), plate="沪B22222",
                           car_model=CarModel.objects.first(), created_by=consultant)

    steps = open_card(login(consultant), owner).context["coming_milestones"]

    assert [(s.due_on, s.purpose) for s in steps] == [
        (date(2024, 4, 1), "First month check"),
        (date(2024, 4, 30), "First maintenance"),
        (date(2024, 6, 1), "First maintenance"),
        (date(2024, 7, 31), "Half-year visit"),
        (date(2024, 9, 1), "Half-year visit"),
    ]


def test_no_coming_steps_without_an_active_care_plan(login, consultant):
    CareMilestone.objects.update(is_active=False)
    owner = delivered(consultant, delivered_on=date(2024, 1, 31))

    response = open_card(login(consultant), owner)

    assert response.context["coming_milestones"] == []
    assert "No coming care-plan steps." in response.text


def test_a_prospect_again_has_no_coming_steps(login, consultant, care_plan):
    # a customer with a vehicle who is a prospect again gets no care tasks from the daily job
    customer = ordered(consultant)
    Vehicle.objects.create(customer=customer, vin=next_vin(), delivered_on=date(2024, 1, 31),
                           car_model=CarModel.objects.first(), created_by=consultant)

    response = open_card(login(consultant), customer)

    assert response.status_code == 200 and response.context["coming_milestones"] == []


def test_other_teams_consultant_cannot_see_the_coming_steps(login, consultant, other_consultant, care_plan):
    owner = delivered(consultant, delivered_on=date(2024, 1, 31))

    assert open_card(login(other_consultant), owner).status_code == 404


@pytest.mark.parametrize("vehicles", [1, 10])
def test_coming_steps_run_constant_queries(login, consultant, care_plan, vehicles, django_assert_num_queries):
    owner = delivered(consultant, delivered_on=date(2024, 1, 31))
    for n in range(vehicles - 1):
        Vehicle.objects.create(customer=owner, vin=next_vin(), delivered_on=date(2023, 1 + n, 1),
                               car_model=CarModel.objects.first(), created_by=consultant)
    CareMilestone.objects.bulk_create(CareMilestone(months=60 + n, purpose=f"Later {n}") for n in range(vehicles * 5))
    client = login(consultant)
    open_card(client, owner)  # warm the session

    # session, user, the owner, vehicles, insurance, maintenance, accessories, referrals, two histories,
    # care tasks, the care plan, the menu's badge, the session saved (3): the same at every size
    with django_assert_num_queries(16):
        response = open_card(client, owner)

    assert len(response.context["coming_milestones"]) == 5
