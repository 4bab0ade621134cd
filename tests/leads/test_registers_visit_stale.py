"""Completing a visit register row refuses a stale form, as the customer card does: nothing is overwritten."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from leads import register_services
from leads.models import Channel, Customer, Visit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


def url(visit):
    return reverse("leads:visit_complete", args=[visit.pk])


def opened(user, visit) -> tuple[Client, dict]:
    """A client of `user` with the completion form open: the form's values as the page gave them."""
    client = Client()
    client.force_login(user)
    form = client.get(url(visit)).context["form"]
    return client, {name: value for name, value in form.initial.items() if value is not None}


def typed(**values) -> dict:
    data = {
        "left_at": "11:00", "name": "王小明", "phone": "13912345678", "grade": "B",
        "channel": str(Channel.objects.get(code="I").pk), "discussion": "",
    }
    return {**data, **values}


def test_consultants_stale_form_is_refused_after_the_manager_completed_the_row(clock, consultant, showroom_manager):
    # given the consultant opens the completion form, then the manager completes the row at 15:00
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    alice, alice_form = opened(consultant, visit)
    manager, manager_form = opened(showroom_manager, visit)
    response = manager.post(url(visit), {**manager_form, **typed(name="经理填的", grade="A", discussion="经理的记录")})
    assert response.status_code == 302
    # when the consultant sends her form at 15:10
    clock.shift(600)
    response = alice.post(url(visit), {**alice_form, **typed(name="顾问填的", grade="C", discussion="顾问的记录")})
    # then she sees who completed the row and when, with what she typed, and nothing of hers is saved
    assert response.status_code == 200
    content = response.content.decode()
    assert f"{showroom_manager} completed this row at 2026-03-10 15:00:00 after you opened it." in content
    assert "Your changes were not saved" in content
    assert "顾问填的" in content and "顾问的记录" in content
    visit.refresh_from_db()
    assert (visit.name, visit.grade, visit.discussion) == ("经理填的", "A", "经理的记录")
    assert visit.version == 2 and visit.updated_by == showroom_manager
    assert Customer.objects.get().name == "经理填的"


def test_consultants_stale_correction_is_refused_after_the_manager_edited_the_row(clock, consultant, showroom_manager):
    # given a completed row, opened again by the consultant and by the manager
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    register_services.visit_complete(
        visit=visit, by=consultant, left_at=time(11, 0), name="王小明", phone="13912345678", grade="B",
        channel=Channel.objects.get(code="I"), version=1,
    )
    alice, alice_form = opened(consultant, visit)
    clock.shift(300)
    manager, manager_form = opened(showroom_manager, visit)
    assert manager.post(url(visit), {**manager_form, "party_size": "4", "left_at": "11:30"}).status_code == 302
    # when the consultant sends her correction
    clock.shift(300)
    response = alice.post(url(visit), {**alice_form, "left_at": "12:00", "test_drive": "on"})
    # then it is refused, naming the manager's change; the manager's values stay
    content = response.content.decode()
    assert response.status_code == 200
    assert f"{showroom_manager} changed this row at 2026-03-10 15:05:00 after you opened it." in content
    assert 'value="12:00"' in content
    visit.refresh_from_db()
    assert (visit.party_size, visit.left_at, visit.test_drive) == (4, time(11, 30), False)
    assert visit.version == 3


def test_a_form_opened_after_the_change_saves(clock, consultant, showroom_manager):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    manager, manager_form = opened(showroom_manager, visit)
    manager.post(url(visit), {**manager_form, **typed()})
    # when the consultant opens the form now and saves it
    alice, alice_form = opened(consultant, visit)
    response = alice.post(url(visit), {**alice_form, "discussion": "补充：关心油耗"})
    # then
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.discussion == "补充：关心油耗" and visit.version == 3 and visit.updated_by == consultant


def test_the_completion_page_says_who_saved_the_row_last(clock, consultant, showroom_manager):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    manager, manager_form = opened(showroom_manager, visit)
    manager.post(url(visit), {**manager_form, **typed()})
    alice = Client()
    alice.force_login(consultant)
    content = alice.get(url(visit)).content.decode()
    assert f"Last saved by {showroom_manager} at 2026-03-10 15:00." in content


def test_a_completion_without_the_forms_version_is_refused(clock, consultant):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    client = Client()
    client.force_login(consultant)
    response = client.post(url(visit), typed())
    assert response.status_code == 200 and "version" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.completed_at is None and not Customer.objects.exists()


def test_service_refuses_an_old_version_and_creates_no_card(clock, consultant):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    Visit.objects.filter(pk=visit.pk).update(version=2, updated_by=consultant)
    with pytest.raises(ValidationError):
        register_services.visit_complete(
            visit=visit, by=consultant, left_at=time(11, 0), name="王小明", phone="13912345678", grade="B", version=1
        )
    assert not Customer.objects.exists()


def test_the_refusal_is_in_chinese_for_a_chinese_user(clock, settings, consultant, showroom_manager):
    settings.LANGUAGE_CODE = "zh-hans"
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    alice, alice_form = opened(consultant, visit)
    manager, manager_form = opened(showroom_manager, visit)
    manager.post(url(visit), {**manager_form, **typed()})
    response = alice.post(url(visit), {**alice_form, **typed(name="顾问填的")})
    content = response.content.decode()
    assert f"在您打开此表单之后，{showroom_manager} 已于 2026-03-10 15:00:00 完成了这一行。" in content
    assert "您的修改没有保存" in content
