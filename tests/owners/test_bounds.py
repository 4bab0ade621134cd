"""Bounds on the owners' dates and numbers: delivery, registration, insurance, services, accessories,
referrals and the care plan. A value outside them is a form error beside its field; nothing is stored."""

from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leads.models import CarModel, Customer
from owners.models import (
    Accessory,
    CareMilestone,
    InsurancePolicy,
    MaintenanceVisit,
    Referral,
    Vehicle,
)
from owners.vin import with_check_digit
from tests.factories import prospect_create
from tests.owners.conftest import next_vin, ordered, owner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


@pytest.mark.parametrize(
    ("field", "typed"),
    [("delivered_on", "1999-12-31"), ("delivered_on", "0001-01-01"), ("registered_on", "0001-01-01"),
     ("mileage_km", "2000001")],
)
def test_delivery_out_of_bounds_is_refused_and_the_customer_stays_ordered(login, consultant, field, typed):
    customer = ordered(consultant)
    client = login(consultant)
    url = reverse("owners:delivery_record", args=[customer.pk])
    form = client.get(url).context["form"]
    data = {
        "vin": with_check_digit("LSVAA4180E2000042"), "plate": "沪A1", "car_model": CarModel.objects.first().pk,
        "delivered_on": "2026-03-10", "submission_key": form.initial["submission_key"],
    }
    response = client.post(url, {**data, field: typed})
    assert response.status_code == 200 and field in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ORDERED and not Vehicle.objects.exists()


def test_delivery_form_inputs_carry_their_bounds(login, consultant):
    customer = ordered(consultant)
    body = login(consultant).get(reverse("owners:delivery_record", args=[customer.pk])).content.decode()
    assert 'min="2000-01-01"' in body and 'max="2026-03-10"' in body


def test_owner_added_directly_with_a_birthday_in_year_one_is_refused(login, consultant):
    response = login(consultant).post(reverse("owners:owner_create"), {
        "owner-source": "other_brand", "owner-name": "赵六", "owner-phone": "139 0000 0009", "owner-birthday": "0001-01-01",
        "owner-consultant": consultant.pk, "vehicle-vin": next_vin(), "vehicle-brand": "丰田",
        "vehicle-model_name": "凯美瑞", "vehicle-delivered_on": "2022-05-01",
    })
    assert response.status_code == 200 and "birthday" in response.context["form"].errors
    assert not Customer.objects.filter(phone="13900000009").exists()


def test_owner_added_directly_with_a_car_delivered_on_9999_12_31_is_refused(login, consultant):
    response = login(consultant).post(reverse("owners:owner_create"), {
        "owner-source": "other_brand", "owner-name": "赵六", "owner-phone": "139 0000 0009",
        "owner-consultant": consultant.pk, "vehicle-vin": next_vin(), "vehicle-brand": "丰田",
        "vehicle-model_name": "凯美瑞", "vehicle-delivered_on": "9999-12-31", "vehicle-registered_on": "9999-12-31",
    })
    assert response.status_code == 200 and "delivered_on" in response.context["vehicle_form"].errors
    assert not Customer.objects.filter(phone="13900000009").exists()


def _item(client, owner_customer, kind, data):
    return client.post(reverse("owners:owner_item_add", args=[owner_customer.pk, kind]), data)


@pytest.mark.parametrize(
    ("kind", "model", "field", "data"),
    [
        ("insurance", InsurancePolicy, "year", {"year": "1", "insurer": "平安保险"}),
        ("insurance", InsurancePolicy, "premium", {"year": "2026", "insurer": "平安保险", "premium": "-1"}),
        ("insurance", InsurancePolicy, "ends_on", {"year": "2026", "insurer": "平安保险", "ends_on": "9999-12-31"}),
        ("maintenance", MaintenanceVisit, "planned_on", {"planned_on": "9999-12-31"}),
        ("maintenance", MaintenanceVisit, "done_on", {"planned_on": "2026-03-01", "done_on": "0001-01-01"}),
        ("maintenance", MaintenanceVisit, "mileage_km", {"planned_on": "2026-03-01", "mileage_km": "2000001"}),
        ("accessory", Accessory, "price", {"name": "脚垫", "price": "-5", "on": "2026-03-01"}),
        ("accessory", Accessory, "on", {"name": "脚垫", "price": "300", "on": "0001-01-01"}),
        ("vehicle", Vehicle, "delivered_on", {"source": "other_brand", "brand": "丰田", "model_name": "凯美瑞",
                                              "delivered_on": "1999-01-01"}),
    ],
)
def test_owner_card_items_out_of_bounds_are_refused(login, consultant, kind, model, field, data):
    mine = owner(consultant, phone="13900000001")
    vehicle = mine.vehicles.get()
    before = model.objects.count()
    payload = {**data, "vehicle": vehicle.pk} if kind in ("insurance", "maintenance") else dict(data)
    if kind == "vehicle":
        payload["vin"] = next_vin()
    response = _item(login(consultant), mine, kind, payload)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert model.objects.count() == before


def test_owner_card_item_within_bounds_is_saved(login, consultant):
    mine = owner(consultant, phone="13900000001")
    vehicle = mine.vehicles.get()
    response = _item(login(consultant), mine, "insurance", {
        "vehicle": vehicle.pk, "year": "2026", "insurer": "平安保险", "premium": "4800", "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
    })
    assert response.status_code == 302 and InsurancePolicy.objects.get().premium == 4800


def test_referral_dated_year_one_is_refused(login, consultant):
    mine = owner(consultant, phone="13900000001")
    prospect_create(consultant=consultant, phone="13700000001")
    response = _item(login(consultant), mine, "referral", {"prospect_phone": "13700000001", "referred_on": "0001-01-01"})
    assert response.status_code == 200 and "referred_on" in response.context["form"].errors
    assert not Referral.objects.exists()


def _care_plan_data(client, **last):
    formset = client.get(reverse("owners:milestone_edit")).context["formset"]
    data = {"form-TOTAL_FORMS": len(formset.forms), "form-INITIAL_FORMS": formset.initial_form_count(),
            "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000}
    for i, form in enumerate(formset.forms):
        instance = form.instance
        if instance.pk:
            data.update({f"form-{i}-id": instance.pk, f"form-{i}-months": instance.months, f"form-{i}-days": instance.days,
                         f"form-{i}-kind": instance.kind, f"form-{i}-purpose": instance.purpose,
                         f"form-{i}-is_active": "on"})
    i = len(formset.forms) - 1
    data.update({f"form-{i}-{name}": value for name, value in last.items()})
    return data


@pytest.mark.parametrize(("months", "days"), [("32767", "0"), ("241", "0"), ("0", "367")])
def test_care_milestone_beyond_twenty_years_or_a_year_of_days_is_refused_and_the_daily_job_runs(login, sales_manager, months, days):
    client = login(sales_manager)
    before = CareMilestone.objects.count()
    data = _care_plan_data(client, months=months, days=days, kind="care", purpose="远期回访", is_active="on")
    response = client.post(reverse("owners:milestone_edit"), data)
    assert response.status_code == 200
    assert any(form.errors for form in response.context["formset"].forms)
    assert CareMilestone.objects.count() == before
    call_command("run_followups", "--date", "2026-03-10")  # the next daily job is not stopped


def test_care_milestone_at_twenty_years_is_saved(login, sales_manager):
    client = login(sales_manager)
    data = _care_plan_data(client, months="240", days="0", kind="care", purpose="二十年回访", is_active="on")
    assert client.post(reverse("owners:milestone_edit"), data).status_code == 302
    assert CareMilestone.objects.filter(months=240, purpose="二十年回访").exists()


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13"])
def test_defeated_list_with_a_month_out_of_range_shows_the_error(login, consultant, month):
    response = login(consultant).get(reverse("owners:defeated_list"), {"month": month})
    assert response.status_code == 200 and "month" in response.context["form"].errors
