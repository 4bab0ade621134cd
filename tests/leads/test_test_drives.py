"""Test drives as records (issue 13, item 2): ticked on a walk-in's register row, or recorded on the
card for an appointment or a home visit; model, time, driving licence checked, who went with them."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leads import register_services
from leads.models import CarModel, TestDrive
from tests.factories import prospect_create
from tests.leads.test_registers_visits import TODAY, complete_form

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def drive_url(customer):
    return reverse("leads:test_drive_create", args=[customer.pk])


def drive_form(client, customer, **overrides):
    form = client.get(drive_url(customer)).context["form"]
    data = {
        "submission_key": form.initial["submission_key"], "driven_at": "2026-03-10T14:00", "source": "appointment",
        "car_model": str(CarModel.objects.first().pk), "licence_checked": "on",
    }
    return {**data, **overrides}


def test_a_test_drive_by_appointment_is_recorded_on_the_card(login, consultant):
    customer = prospect_create(consultant=consultant, grade="A")
    client = login(consultant)
    response = client.post(drive_url(customer), drive_form(client, customer))
    assert response.status_code == 302

    drive = TestDrive.objects.get()
    assert (drive.customer, drive.consultant, drive.source, drive.licence_checked) == (customer, consultant, "appointment", True)
    assert drive.driven_at == datetime(2026, 3, 10, 14, 0, tzinfo=SHANGHAI)
    card = client.get(reverse("leads:customer_detail", args=[customer.pk])).content.decode()
    assert "2026-03-10 14:00" in card and "Appointment" in card and "licence checked" in card


def test_the_form_offers_appointment_and_home_visit_and_a_double_post_records_one(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    form = client.get(drive_url(customer)).context["form"]
    assert [value for value, _label in form.fields["source"].choices if value] == ["appointment", "home_visit"]
    data = drive_form(client, customer, source="home_visit")
    client.post(drive_url(customer), data)
    client.post(drive_url(customer), data)
    assert TestDrive.objects.filter(customer=customer, source="home_visit").count() == 1


def test_a_future_test_drive_is_refused_with_the_typed_values_kept(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(drive_url(customer), drive_form(client, customer, driven_at="2026-03-11T10:00"))
    assert response.status_code == 200 and "driven_at" in response.context["form"].errors
    assert 'value="2026-03-11T10:00"' in response.content.decode()
    assert not TestDrive.objects.exists()


def test_another_consultants_customer_answers_404(login, consultant, teammate, other_consultant):
    customer = prospect_create(consultant=consultant)
    for outsider in (teammate, other_consultant):
        client = login(outsider)
        assert client.get(drive_url(customer)).status_code == 404
        assert client.post(drive_url(customer), {"driven_at": "2026-03-10T14:00", "source": "appointment"}).status_code == 404
    assert not TestDrive.objects.exists()


def test_a_ticked_register_row_has_its_record_and_untick_removes_it(login, showroom_manager, consultant):
    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10), consultant=consultant)
    client = login(consultant)
    url = reverse("leads:visit_complete", args=[visit.pk])
    client.post(url, complete_form(licence_checked="on"))

    drive = TestDrive.objects.get()
    visit.refresh_from_db()
    assert (drive.visit, drive.customer, drive.consultant, drive.source) == (visit, visit.customer, consultant, "walk_in")
    assert drive.driven_at == datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI) and drive.licence_checked
    assert client.get(url).context["form"].initial["licence_checked"] is True

    # The manager corrects the row: no test drive after all.
    data = complete_form(version=str(visit.version), consultant=str(consultant.pk), arrived_at="10:00", party_size="1")
    del data["test_drive"]
    assert login(showroom_manager).post(url, data).status_code == 302
    assert not TestDrive.objects.exists()
    assert TestDrive.history.filter(history_type="-").count() == 1  # its history keeps it
