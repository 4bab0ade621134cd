"""Handover (换手/接手) and deactivating a user: nothing is orphaned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.visibility import users_deactivatable_by
from followups.models import Task
from leads.models import Customer, CustomerChange
from tests.factories import TeamFactory, UserFactory, prospect_create
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


def test_sales_manager_may_deactivate_consultants_and_reception_but_no_manager(
    login, sales_manager, showroom_manager, other_consultant, reception, administrator
):
    # Only the administrator deactivates managers: the showroom manager's page, once 200 here, is now 404.
    client = login(sales_manager)
    assert client.get(reverse("staff:user_deactivate", args=[other_consultant.pk])).status_code == 200
    assert client.get(reverse("staff:user_deactivate", args=[reception.pk])).status_code == 200
    assert client.get(reverse("staff:user_deactivate", args=[sales_manager.pk])).status_code == 404
    for manager in (showroom_manager, administrator):
        url = reverse("staff:user_deactivate", args=[manager.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        manager.refresh_from_db()
        assert manager.is_active


def test_showroom_manager_may_deactivate_only_their_teams_consultants(showroom_manager, consultant, teammate, other_consultant):
    assert set(users_deactivatable_by(showroom_manager)) == {consultant, teammate}
    assert users_deactivatable_by(consultant).count() == 0


def test_handover_moves_open_tasks_of_every_kind_whoever_held_them(login, consultant, teammate, showroom_manager):
    # given alice's owner with a care task and a birthday task, one of them left with someone else
    customer = owner(consultant, phone="13900000001")
    today = timezone.localdate()
    care = Task.objects.create(customer=customer, kind=Task.Kind.CARE_MILESTONE, due_on=today, assignee=consultant)
    birthday = Task.objects.create(customer=customer, kind=Task.Kind.BIRTHDAY, due_on=today, assignee=showroom_manager)
    done = Task.objects.create(customer=customer, kind=Task.Kind.INSURANCE, due_on=today, assignee=consultant,
                               status=Task.Status.DONE)
    # when the manager hands the customer to amy
    login(showroom_manager).post(reverse("staff:handover"), {"customer": customer.pk, "to": [teammate.pk], "reason": "workload"})
    # then amy holds every open task; the closed one stays as it was
    assert set(Task.objects.filter(pk__in=[care.pk, birthday.pk]).values_list("assignee", flat=True)) == {teammate.pk}
    done.refresh_from_db()
    assert done.assignee == consultant


def test_handover_to_a_team_without_showroom_manager_cancels_the_escalation(login, consultant, showroom_manager, sales_manager):
    # given alice's H prospect escalated to her manager, and bob in a team with no manager
    loner = UserFactory(username="bob", role=User.Role.CONSULTANT, team=TeamFactory(name="No manager"))
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, phone="13700000001")
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=timezone.localdate(),
                                     assignee=showroom_manager)
    # when the sales manager hands the customer to bob
    login(sales_manager).post(reverse("staff:handover"), {"customer": customer.pk, "to": [loner.pk], "reason": "workload"})
    # then nobody is left holding the escalation; the prospect's own task went to bob
    escalation.refresh_from_db()
    assert escalation.status == Task.Status.CANCELLED and escalation.closed_at is not None
    assert Task.objects.get(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).assignee == loner


def test_handover_within_the_team_leaves_the_escalation_with_its_manager(login, consultant, teammate, showroom_manager):
    customer = prospect_create(consultant=consultant, grade=Customer.Grade.H, phone="13700000001")
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=timezone.localdate(),
                                     assignee=showroom_manager)
    login(showroom_manager).post(reverse("staff:handover"), {"customer": customer.pk, "to": [teammate.pk], "reason": "workload"})
    escalation.refresh_from_db()
    assert (escalation.assignee, escalation.status) == (showroom_manager, Task.Status.OPEN)


def test_handover_of_a_malformed_consultant_id_is_404(login, showroom_manager):
    assert login(showroom_manager).get(reverse("staff:handover"), {"from_user": "1 OR 1=1"}).status_code == 404
