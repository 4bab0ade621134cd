"""The customer card: everything on one screen, scoped, in a constant number of queries."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import CarModel, Colour, Customer, Visit
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def card_url(customer):
    return reverse("leads:customer_detail", args=[customer.pk])


def test_card_shows_details_grade_history_and_criteria(login, consultant):
    # given
    customer = prospect_create(consultant=consultant, name="王小明", phone="13912345678", grade="B", occupation="教师", budget="15万")
    services.customer_regrade(customer=customer, grade="H", by=consultant, note="colour chosen")
    # when
    response = login(consultant).get(card_url(customer))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in content and "139 1234 5678" in content and "教师" in content and "15万" in content
    assert [(c.old_value, c.new_value) for c in response.context["grade_changes"]] == [("B", "H"), ("", "B")]
    assert "colour chosen" in content
    assert 'data-testid="grade-criteria"' in content
    assert "信心 + 需求 + 购买力" in content and "7日内可能购车" in content  # the active set's (SVW) help


def test_card_shows_contacts_next_followup_and_open_task(login, consultant):
    customer = prospect_create(consultant=consultant, grade="A")
    services.contact_log(
        customer=customer, by=consultant, contacted_at=timezone.now(), method="phone", content="Asked about the loan",
        grade_after="H", next_followup_on=timezone.localdate(), next_followup_reason="Bring the loan papers",
    )
    response = login(consultant).get(card_url(customer))
    content = response.content.decode()
    assert "Asked about the loan" in content
    assert "Bring the loan papers" in content
    assert response.context["open_task"] is not None
    assert response.context["open_task"].due_on == timezone.localdate()


def test_card_shows_visits_test_drives_and_orders(login, consultant):
    customer = prospect_create(consultant=consultant, grade="H")
    Visit.objects.create(
        visit_date=timezone.localdate(), arrived_at=time(10), consultant=consultant, customer=customer,
        discussion="Drove the long version", created_by=consultant,
    )
    services.test_drive_record(
        customer=customer, by=consultant, driven_at=timezone.now(), source="appointment", car_model=CarModel.objects.first(),
    )
    services.order_record(
        customer=customer, by=consultant,
        fields={"ordered_on": timezone.localdate(), "car_model": CarModel.objects.first(), "colour": Colour.objects.first(), "price": 150000, "deposit": 5000},
    )
    response = login(consultant).get(card_url(customer))
    assert len(response.context["test_drives"]) == 1
    assert "Drove the long version" in response.content.decode()
    assert len(response.context["orders"]) == 1
    assert "150000" in response.content.decode()


def test_card_shows_return_comment(login, consultant, showroom_manager):
    customer = prospect_create(consultant=consultant)
    services.card_return(customer=customer, by=showroom_manager, comment="Budget missing")
    content = login(consultant).get(card_url(customer)).content.decode()
    assert "Returned" in content and "Budget missing" in content


def test_card_shows_who_signed(login, consultant, showroom_manager):
    customer = prospect_create(consultant=consultant)
    services.card_sign(customer=customer, by=showroom_manager)
    content = login(consultant).get(card_url(customer)).content.decode()
    assert f"Signed by {showroom_manager}" in content


def test_card_includes_the_action_partials_with_the_customer(login, consultant):
    customer = prospect_create(consultant=consultant)
    response = login(consultant).get(card_url(customer))
    names = [template.name for template in response.templates]
    assert "leads/_card_actions_signoff.html" in names and "owners/_card_actions.html" in names
    assert response.context["customer"] == customer


def test_teammate_gets_404_on_card(login, consultant, teammate):
    customer = prospect_create(consultant=consultant)
    assert login(teammate).get(card_url(customer)).status_code == 404


@pytest.mark.parametrize("contacts", [1, 15])
def test_card_runs_constant_queries(login, consultant, contacts, django_assert_num_queries):
    customer = prospect_create(consultant=consultant, grade="B")
    for index in range(contacts):
        services.contact_log(
            customer=customer, by=consultant, contacted_at=timezone.now(), method="phone",
            content=f"call {index}", grade_after="BAH"[index % 3],
        )
        Visit.objects.create(
            visit_date=timezone.localdate(), arrived_at=time(10), consultant=consultant, customer=customer,
            test_drive=index % 2 == 0, created_by=consultant,
        )
    client = login(consultant)
    # session, user; the customer with its consultant, codes and signers (one join); one query per
    # prefetched list: history, contacts, visits, phone-ins, orders, defeats, test drives, the open task;
    # the menu's badge; the active rule set's grading help; the session's new expiry (savepoint, update, release).
    with django_assert_num_queries(2 + 1 + 8 + 1 + 1 + 3):
        response = client.get(card_url(customer))
    assert len(response.context["contacts"]) == contacts
    assert Customer.objects.get(pk=customer.pk).contacts.count() == contacts


def test_card_history_shows_status_labels(login, consultant, showroom_manager):
    customer = prospect_create(consultant=consultant)
    services.card_sign(customer=customer, by=showroom_manager)
    response = login(consultant).get(card_url(customer))
    card_change = next(change for change in response.context["changes"] if change.field == "card")
    assert (card_change.old_label, card_change.new_label) == ("Pending sign-off", "Signed")
