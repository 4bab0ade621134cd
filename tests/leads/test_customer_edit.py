"""Editing the info card: stale saves are refused, nothing of the other person's change is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from leads.models import Customer
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def edit_url(customer):
    return reverse("leads:customer_edit", args=[customer.pk])


def form_data(client, customer, **overrides):
    form = client.get(edit_url(customer)).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(overrides)
    return data


def test_consultant_edits_card(login, consultant):
    customer = prospect_create(consultant=consultant, name="王小明", phone="13912345678")
    client = login(consultant)
    response = client.post(edit_url(customer), form_data(client, customer, occupation="医生", phone="139 1234 5678"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.occupation == "医生" and customer.version == 2 and customer.updated_by == consultant


def test_grade_consultant_and_status_are_not_edited_here(login, consultant, teammate):
    customer = prospect_create(consultant=consultant, grade="B")
    client = login(consultant)
    client.post(edit_url(customer), form_data(client, customer, grade="H", consultant=teammate.pk, status="defeated"))
    customer.refresh_from_db()
    assert (customer.grade, customer.consultant, customer.status) == ("B", consultant, "active")


def test_second_save_of_a_stale_form_is_refused_and_keeps_both(consultant, showroom_manager):
    # given two people open the same card
    customer = prospect_create(consultant=consultant, name="王小明")
    alice, manager = Client(), Client()
    alice.force_login(consultant)
    manager.force_login(showroom_manager)
    alice_data = form_data(alice, customer)
    manager_data = form_data(manager, customer)
    # when the manager saves first, then alice
    assert manager.post(edit_url(customer), {**manager_data, "budget": "30万"}).status_code == 302
    response = alice.post(edit_url(customer), {**alice_data, "occupation": "工程师"})
    # then alice sees the refusal with her typed values, and the manager's change stays
    content = response.content.decode()
    assert response.status_code == 200
    assert "changed this card" in content and str(showroom_manager) in content
    assert 'value="工程师"' in content
    customer.refresh_from_db()
    assert customer.budget == "30万" and customer.occupation == ""


def test_bad_phone_on_edit_keeps_typed_values(login, consultant):
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(edit_url(customer), form_data(client, customer, phone="999", region="浦东"))
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert 'value="浦东"' in response.content.decode()


def test_edit_refuses_phone_of_another_customer(login, consultant):
    CustomerFactory(phone="13900000001", consultant=consultant)
    customer = prospect_create(consultant=consultant)
    client = login(consultant)
    response = client.post(edit_url(customer), form_data(client, customer, phone="13900000001"))
    assert response.context["form"].errors["phone"]
    assert Customer.objects.filter(phone="13900000001").count() == 1


def test_returned_card_goes_back_to_pending_after_edit(login, consultant, showroom_manager):
    from leads import services

    customer = prospect_create(consultant=consultant)
    services.card_return(customer=customer, by=showroom_manager, comment="Add the budget")
    client = login(consultant)
    client.post(edit_url(customer), form_data(client, customer, budget="20万"))
    customer.refresh_from_db()
    assert customer.card_status == Customer.CardStatus.PENDING


def test_other_team_consultant_gets_404_on_edit(login, consultant, other_consultant):
    customer = prospect_create(consultant=consultant)
    assert login(other_consultant).post(edit_url(customer), {"name": "x"}).status_code == 404
