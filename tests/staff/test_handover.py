"""Handover (换手/接手) and deactivating a user: nothing is orphaned."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.visibility import users_deactivatable_by
from followups.models import Task
from leads.models import Customer, CustomerChange
from tests.factories import UserFactory, prospect_create
from tests.owners.conftest import owner

pytestmark = pytest.mark.django_db


def test_manager_hands_over_all_of_a_consultants_customers_round_robin(login, consultant, teammate, showroom_manager, team):
    # given alice has 4 prospects (each with an open task) and 1 owner
    third = UserFactory(username="ann", role=User.Role.CONSULTANT, team=team)
    for n in range(4):
        prospect_create(consultant=consultant, phone=f"1370000000{n}")
    owner(consultant, phone="13900000001")
    # when the showroom manager hands all of them to amy and ann for "resignation"
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "from_user": consultant.pk, "scope": "all", "to": [teammate.pk, third.pk], "reason": "resignation", "note": "离职",
    })
    # then alice keeps nothing, the customers are spread 3/2 and their open tasks moved with them
    assert response.status_code == 302
    assert not Customer.objects.filter(consultant=consultant).exists()
    assert not Task.objects.filter(assignee=consultant, status__in=Task.PENDING).exists()
    counts = sorted(Customer.objects.filter(consultant__in=[teammate, third]).values_list("consultant", flat=True))
    assert sorted([counts.count(teammate.pk), counts.count(third.pk)]) == [2, 3]
    for task in Task.objects.filter(status__in=Task.PENDING, kind__in=Task.PROSPECT_KINDS):
        assert task.assignee_id == task.customer.consultant_id
    changes = CustomerChange.objects.filter(field=CustomerChange.Field.CONSULTANT)
    assert changes.count() == 5
    assert all(change.old_value == str(consultant) and "离职" in change.note for change in changes)
    assert all(change.changed_by == showroom_manager for change in changes)


def test_handover_of_one_customer_shows_previous_consultant_on_card(login, consultant, teammate, showroom_manager):
    customer = owner(consultant, phone="13900000001")
    login(showroom_manager).post(reverse("staff:handover"), {
        "customer": customer.pk, "to": [teammate.pk], "reason": "poor_impression"})
    customer.refresh_from_db()
    assert customer.consultant == teammate
    response = login(teammate).get(reverse("owners:owner_detail", args=[customer.pk]))
    assert str(consultant) in response.content.decode()


def test_handover_of_a_selection_moves_only_the_ticked_customers(login, consultant, teammate, showroom_manager):
    keep = prospect_create(consultant=consultant, phone="13700000001")
    move = prospect_create(consultant=consultant, phone="13700000002")
    login(showroom_manager).post(reverse("staff:handover"), {
        "from_user": consultant.pk, "scope": "selected", "selected": [move.pk], "to": [teammate.pk], "reason": "workload"})
    assert Customer.objects.get(pk=keep.pk).consultant == consultant
    assert Customer.objects.get(pk=move.pk).consultant == teammate


def test_showroom_manager_cannot_hand_over_another_teams_customers(login, other_consultant, showroom_manager, consultant):
    customer = owner(other_consultant, phone="13900000001")
    client = login(showroom_manager)
    assert client.get(reverse("staff:handover"), {"customer": customer.pk}).status_code == 404
    assert client.get(reverse("staff:handover"), {"from_user": other_consultant.pk}).status_code == 404


def test_showroom_manager_cannot_hand_over_to_another_teams_consultant(login, consultant, other_consultant, showroom_manager):
    customer = owner(consultant, phone="13900000001")
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "customer": customer.pk, "to": [other_consultant.pk], "reason": "workload"})
    assert response.status_code == 200 and "to" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.consultant == consultant


def test_consultant_cannot_use_handover(login, consultant):
    customer = owner(consultant, phone="13900000001")
    assert login(consultant).get(reverse("staff:handover"), {"customer": customer.pk}).status_code == 404


def test_deactivation_refused_while_user_owns_customers_then_done_after_handover(login, consultant, teammate, showroom_manager):
    prospect_create(consultant=consultant, phone="13700000001")
    client = login(showroom_manager)
    url = reverse("staff:user_deactivate", args=[consultant.pk])
    page = client.get(url)
    assert b'data-testid="still-assigned"' in page.content
    client.post(url)
    consultant.refresh_from_db()
    assert consultant.is_active
    client.post(reverse("staff:handover"), {"from_user": consultant.pk, "scope": "all", "to": [teammate.pk], "reason": "resignation"})
    client.post(url)
    consultant.refresh_from_db()
    assert not consultant.is_active
    assert not Customer.objects.filter(consultant=consultant).exists()
    assert not Task.objects.filter(assignee=consultant, status__in=Task.PENDING).exists()


def test_deactivate_page_is_404_for_consultants_and_other_teams(login, consultant, teammate, other_manager):
    assert login(teammate).get(reverse("staff:user_deactivate", args=[consultant.pk])).status_code == 404
    assert login(other_manager).get(reverse("staff:user_deactivate", args=[consultant.pk])).status_code == 404


def test_handover_from_a_card_returns_to_that_card(login, consultant, teammate, showroom_manager):
    # given the manager on the customer card, whose "Hand over" link carries the card as `next`
    customer = prospect_create(consultant=consultant, phone="13700000001")
    card = reverse("leads:customer_detail", args=[customer.pk])
    client = login(showroom_manager)
    assert f"next={card}" in client.get(card).content.decode().replace("&amp;", "&")
    # when they hand the customer over from there
    response = client.post(reverse("staff:handover"), {
        "customer": customer.pk, "to": [teammate.pk], "reason": "workload", "next": card})
    # then they are back on the card
    assert response.status_code == 302 and response.url == card


def test_handover_without_next_lands_on_the_customers_own_card(login, consultant, teammate, showroom_manager):
    prospect = prospect_create(consultant=consultant, phone="13700000001")
    owned = owner(consultant, phone="13900000001")
    client = login(showroom_manager)
    for customer, card in [(prospect, "leads:customer_detail"), (owned, "owners:owner_detail")]:
        response = client.post(reverse("staff:handover"), {
            "customer": customer.pk, "to": [teammate.pk], "reason": "workload", "next": "https://evil.example/"})
        assert response.url == reverse(card, args=[customer.pk])


def test_handover_of_all_a_consultants_customers_returns_to_their_deactivation_page(
    login, consultant, teammate, showroom_manager
):
    prospect_create(consultant=consultant, phone="13700000001")
    response = login(showroom_manager).post(reverse("staff:handover"), {
        "from_user": consultant.pk, "scope": "all", "to": [teammate.pk], "reason": "resignation"})
    assert response.url == reverse("staff:user_deactivate", args=[consultant.pk])


def test_sales_manager_may_deactivate_anyone_but_themselves(login, sales_manager, showroom_manager, other_consultant):
    client = login(sales_manager)
    assert client.get(reverse("staff:user_deactivate", args=[showroom_manager.pk])).status_code == 200
    assert client.get(reverse("staff:user_deactivate", args=[other_consultant.pk])).status_code == 200
    assert client.get(reverse("staff:user_deactivate", args=[sales_manager.pk])).status_code == 404


def test_showroom_manager_may_deactivate_only_their_teams_consultants(showroom_manager, consultant, teammate, other_consultant):
    assert set(users_deactivatable_by(showroom_manager)) == {consultant, teammate}
    assert users_deactivatable_by(consultant).count() == 0
