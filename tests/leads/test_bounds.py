"""Bounds on the dates and numbers typed on the customer card, the contact form, orders and the registers.

A value outside them comes back as a form error beside its field with nothing stored, and the pages
that read the customer keep working (a contact dated 0001-01-01 used to break the card for good).
"""

import uuid
from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leads import register_services
from leads.models import (
    CarModel,
    Colour,
    Contact,
    Customer,
    DutySlot,
    Order,
    PhoneCall,
    Visit,
)
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


def contact_url(customer):
    return reverse("leads:contact_create", args=[customer.pk])


def contact_post(client, customer, **overrides):
    form = client.get(contact_url(customer)).context["form"]
    data = {
        "submission_key": form.initial["submission_key"],
        "method": "phone",
        "contacted_at": "2026-03-10T14:30",
        "content": "Talked about colours",
        "grade_after": "A",
        "next_followup_on": "2026-03-12",
        "next_followup_reason": "Colour decision",
    }
    data.update(overrides)
    return client.post(contact_url(customer), data)


# --- contacts: when, the next follow-up, the appointment -----------------------------------------


def test_contact_dated_year_one_is_refused_and_the_card_still_opens(login, consultant, showroom_manager):
    # given
    customer = prospect_create(consultant=consultant, grade="B")
    client = login(consultant)
    # when: 0001-01-01 00:00 in Asia/Shanghai is year 0 in UTC
    response = contact_post(client, customer, contacted_at="0001-01-01T00:00")
    # then
    assert response.status_code == 200
    assert "contacted_at" in response.context["form"].errors
    assert not Contact.objects.exists()
    assert client.get(reverse("leads:customer_detail", args=[customer.pk])).status_code == 200
    assert client.get(reverse("followups:today")).status_code == 200
    assert login(showroom_manager).get(reverse("followups:morning")).status_code == 200


def test_contact_more_than_two_years_ago_is_refused(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = contact_post(login(consultant), customer, contacted_at="2024-03-01T10:00")
    assert response.context["form"].errors["contacted_at"] == ["A contact more than two years ago cannot be logged."]
    assert not Contact.objects.exists()


def test_contact_a_year_ago_is_logged(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = contact_post(login(consultant), customer, contacted_at="2025-03-10T10:00", next_followup_on="")
    assert response.status_code == 302
    assert Contact.objects.get().contacted_at == timezone.make_aware(datetime(2025, 3, 10, 10, 0))


def test_contact_in_the_future_is_still_refused(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = contact_post(login(consultant), customer, contacted_at="9999-12-31T23:59")
    assert response.context["form"].errors["contacted_at"] == ["A contact cannot be logged in the future."]


def test_next_follow_up_more_than_a_year_ahead_is_refused(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = contact_post(login(consultant), customer, next_followup_on="9999-12-31")
    assert response.context["form"].errors["next_followup_on"] == ["The next follow-up can be at most a year ahead."]
    assert not Contact.objects.exists()


def test_appointment_more_than_a_year_ahead_or_long_ago_is_refused(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    for typed in ("9999-12-31T10:00", "2027-04-01T10:00", "0001-01-01T00:00"):
        response = contact_post(client, customer, appointment_at=typed)
        assert "appointment_at" in response.context["form"].errors, typed
    assert not Contact.objects.exists()
    customer.refresh_from_db()
    assert customer.appointment_at is None


def test_appointment_eleven_months_ahead_is_taken(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = contact_post(login(consultant), customer, appointment_at="2027-02-10T10:00", next_followup_on="")
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.appointment_at == timezone.make_aware(datetime(2027, 2, 10, 10, 0))


def test_contact_form_inputs_carry_their_bounds(login, consultant):
    customer = prospect_create(consultant=consultant)
    body = login(consultant).get(contact_url(customer)).content.decode()
    assert 'max="2026-03-10T15:05"' in body  # contacted at: now, five minutes' tolerance
    assert 'max="2027-03-11"' in body  # next follow-up: a year ahead


# --- the card: birthday, loan -----------------------------------------------------------------------


def edit_post(client, customer, **overrides):
    url = reverse("leads:customer_edit", args=[customer.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(overrides)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("birthday", "1899-12-31"),
        ("birthday", "2026-03-11"),
        ("birthday", "0001-01-01"),
        ("loan_term_months", "121"),
        ("loan_monthly_payment", "-1"),
        ("loan_monthly_payment", "1000000.01"),
    ],
)
def test_card_edit_refuses_a_value_out_of_bounds_beside_its_field(login, consultant, field, typed):
    customer = prospect_create(consultant=consultant, name="王小明")
    response = edit_post(login(consultant), customer, **{field: typed, "occupation": "医生"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.occupation == "" and customer.version == 1


def test_card_edit_takes_values_within_bounds(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = edit_post(
        login(consultant), customer, birthday="1950-06-01", payment="loan", loan_term_months="60", loan_monthly_payment="3500.50"
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.birthday, customer.loan_term_months) == (date(1950, 6, 1), 60)


def test_new_card_with_a_birthday_in_year_one_is_refused(login, consultant):
    client = login(consultant)
    url = reverse("leads:customer_create")
    form = client.get(url).context["form"]
    response = client.post(url, {
        "submission_key": form.initial["submission_key"], "name": "李四", "phone": "13911112222", "grade": "B",
        "intake": "walk_in", "birthday": "0001-01-01",
    })
    assert response.status_code == 200 and "birthday" in response.context["form"].errors
    assert not Customer.objects.filter(phone="13911112222").exists()


# --- orders --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed"),
    [("ordered_on", "1999-12-31"), ("ordered_on", "0001-01-01"), ("price", "-1"), ("price", "10000000.01"), ("deposit", "-500")],
)
def test_order_out_of_bounds_is_refused(login, consultant, field, typed):
    customer = prospect_create(consultant=consultant, grade="H")
    client = login(consultant)
    url = reverse("leads:order_create", args=[customer.pk])
    form = client.get(url).context["form"]
    data = {
        "submission_key": form.initial["submission_key"], "ordered_on": TODAY.isoformat(),
        "car_model": CarModel.objects.first().pk, "colour": Colour.objects.first().pk, "price": "158000", "deposit": "5000",
    }
    response = client.post(url, {**data, field: typed})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Order.objects.exists()


# --- registers -----------------------------------------------------------------------------------


def add_data(consultant, **overrides):
    data = {
        "visit_date": TODAY.isoformat(), "arrived_at": "10:05", "party_size": "2", "consultant": str(consultant.pk),
        "phone": "", "submission_key": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.mark.parametrize(("field", "typed"), [("party_size", "51"), ("party_size", "0"), ("visit_date", "1999-12-31")])
def test_visit_register_refuses_a_party_out_of_bounds(login, reception, consultant, field, typed):
    response = login(reception).post(reverse("leads:visit_add"), add_data(consultant, **{field: typed}))
    assert response.status_code == 200
    assert field in response.context["add_form"].errors
    assert not Visit.objects.exists()


def test_manager_cannot_correct_a_party_size_beyond_bounds(login, showroom_manager, consultant):
    from leads.models import Channel

    visit = register_services.visit_add(by=consultant, visit_date=TODAY, arrived_at=time(10, 0), consultant=consultant)
    response = login(showroom_manager).post(reverse("leads:visit_complete", args=[visit.pk]), {
        "version": "1", "left_at": "11:00", "name": "王小明", "phone": "13912345678", "grade": "B",
        "channel": str(Channel.objects.first().pk), "arrived_at": "10:00", "party_size": "32767",
        "consultant": str(consultant.pk),
    })
    assert response.status_code == 200 and "party_size" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.party_size == 1 and visit.completed_at is None


def test_phone_register_refuses_a_call_dated_before_2000(login, consultant):
    from leads.models import Channel

    response = login(consultant).post(reverse("leads:phone_call_add"), {
        "call_date": "1999-01-01", "called_at": "10:00", "name": "王小明", "phone": "13912345678", "grade": "B",
        "channel": str(Channel.objects.first().pk), "submission_key": str(uuid.uuid4()),
    })
    assert response.status_code == 200 and "call_date" in response.context["form"].errors
    assert not PhoneCall.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2026-02-30"])
def test_register_pages_for_a_day_out_of_range_show_today(login, showroom_manager, day):
    client = login(showroom_manager)
    for name in ("leads:visit_register", "leads:phone_register", "leads:duty_roster"):
        response = client.get(reverse(name), {"day": day})
        assert response.status_code == 200, name
        assert response.context["day"] == TODAY, name


def test_duty_roster_refuses_a_place_beyond_99(login, showroom_manager, consultant):
    response = login(showroom_manager).post(
        reverse("leads:duty_roster") + f"?day={TODAY.isoformat()}", {f"pos_{consultant.pk}": "32767"}
    )
    assert response.status_code == 200 and f"pos_{consultant.pk}" in response.context["form"].errors
    assert not DutySlot.objects.exists()
