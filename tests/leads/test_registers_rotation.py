"""The reception rotation (接待轮序): the duty roster and the next consultant it suggests."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from leads import register_selectors, register_services
from leads.models import DutySlot, Visit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
ROSTER = reverse("leads:duty_roster")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def trio(team):
    return [UserFactory(username=name, role=User.Role.CONSULTANT, team=team) for name in ("c1", "c2", "c3")]


def on_duty(consultants, by):
    register_services.duty_set(day=TODAY, consultants=consultants, by=by)


def party(consultant, arrived, *, left=None):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=arrived, consultant=consultant)
    if left:
        Visit.objects.filter(pk=visit.pk).update(left_at=left)
    return visit


def test_nobody_is_suggested_without_a_roster(trio):
    assert register_selectors.rotation_suggest(day=TODAY) is None


def test_first_party_of_the_day_goes_to_the_first_on_duty(trio, sales_manager):
    on_duty([trio[1], trio[0], trio[2]], sales_manager)
    assert register_selectors.rotation_suggest(day=TODAY) == trio[1]


def test_next_party_goes_to_the_consultant_after_the_one_who_took_the_last(trio, sales_manager):
    on_duty(trio, sales_manager)
    party(trio[0], time(9, 0), left=time(9, 30))
    assert register_selectors.rotation_suggest(day=TODAY) == trio[1]


def test_rotation_cycles_back_to_the_first(trio, sales_manager):
    on_duty(trio, sales_manager)
    party(trio[2], time(9, 0), left=time(9, 30))
    assert register_selectors.rotation_suggest(day=TODAY) == trio[0]


def test_rotation_skips_consultants_who_have_a_party_now(trio, sales_manager):
    on_duty(trio, sales_manager)
    party(trio[1], time(9, 0))  # c2 is still with a party (no leave time)
    party(trio[0], time(10, 0), left=time(10, 30))
    assert register_selectors.rotation_suggest(day=TODAY) == trio[2]
    party(trio[2], time(11, 0))
    assert register_selectors.rotation_suggest(day=TODAY) == trio[0]


def test_nobody_is_suggested_when_everyone_on_duty_is_busy(trio, sales_manager):
    on_duty(trio[:2], sales_manager)
    party(trio[0], time(9, 0))
    party(trio[1], time(9, 5))
    assert register_selectors.rotation_suggest(day=TODAY) is None


def test_register_preselects_the_suggested_consultant_for_a_new_party(login, reception, trio, sales_manager):
    on_duty(trio, sales_manager)
    party(trio[0], time(9, 0), left=time(9, 20))
    response = login(reception).get(reverse("leads:visit_register"))
    assert response.context["suggestion"] == trio[1]
    assert response.context["add_form"].initial["consultant"] == trio[1]


def test_showroom_manager_sets_todays_roster_in_order(login, showroom_manager, trio):
    data = {"day": TODAY.isoformat(), f"pos_{trio[0].pk}": "2", f"pos_{trio[2].pk}": "1", f"pos_{trio[1].pk}": ""}
    # when
    response = login(showroom_manager).post(f"{ROSTER}?day={TODAY.isoformat()}", data)
    # then
    assert response.status_code == 302
    assert list(DutySlot.objects.filter(day=TODAY).values_list("consultant__username", "position")) == [("c3", 1), ("c1", 2)]


def test_setting_the_roster_again_replaces_it(login, sales_manager, trio):
    on_duty(trio, sales_manager)
    login(sales_manager).post(ROSTER, {"day": TODAY.isoformat(), f"pos_{trio[1].pk}": "1"})
    assert list(DutySlot.objects.filter(day=TODAY).values_list("consultant__username", flat=True)) == ["c2"]


def test_two_consultants_in_one_place_are_refused(login, sales_manager, trio):
    response = login(sales_manager).post(ROSTER, {"day": TODAY.isoformat(), f"pos_{trio[0].pk}": "1", f"pos_{trio[1].pk}": "1"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not DutySlot.objects.exists()


@pytest.mark.parametrize("who", ["consultant", "reception"])
def test_only_managers_set_the_roster(request, login, who, trio):
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(ROSTER).status_code == 200  # may read it
    assert client.get(ROSTER).context["form"] is None
    assert client.post(ROSTER, {"day": TODAY.isoformat(), f"pos_{trio[0].pk}": "1"}).status_code == 404
    assert not DutySlot.objects.exists()


def test_duty_set_refuses_a_non_consultant(sales_manager, reception):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        register_services.duty_set(day=TODAY, consultants=[reception], by=sales_manager)
