"""An owner or a defeated customer opened as a prospect again, through the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import Task
from leads.models import Customer, CustomerChange
from tests.owners.conftest import defeated, delivered

pytestmark = pytest.mark.django_db


def reopen_url(customer):
    return reverse("owners:customer_reopen", args=[customer.pk])


def test_owner_reopened_for_a_trade_in_keeps_vehicles_and_history(login, consultant):
    owner = delivered(consultant)
    statuses_before = owner.changes.filter(field=CustomerChange.Field.STATUS).count()
    client = login(consultant)
    assert client.get(reopen_url(owner)).status_code == 200
    response = client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.status, owner.grade) == (Customer.Status.ACTIVE, "A")
    assert owner.vehicles.count() == 1
    status = owner.changes.filter(field=CustomerChange.Field.STATUS).order_by("-pk").first()
    assert (status.old_value, status.new_value) == ("delivered", "active") and "置换" in status.note
    assert owner.changes.filter(field=CustomerChange.Field.STATUS).count() == statuses_before + 1
    assert owner.changes.filter(field=CustomerChange.Field.GRADE, new_value="A").exists()
    open_tasks = Task.objects.filter(customer=owner, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    assert open_tasks.count() == 1 and owner.next_followup_on == open_tasks.get().due_on
    # Still reachable as an owner card with its vehicle; listed as a prospect, not in the owner list.
    card = client.get(reverse("owners:owner_detail", args=[owner.pk]))
    assert card.status_code == 200 and 'data-testid="vehicle"' in card.content.decode()
    assert owner not in client.get(reverse("owners:owner_list")).context["page"].object_list


def test_reopening_refuses_bad_input_and_keeps_typed_values(login, consultant):
    owner = delivered(consultant)
    response = login(consultant).post(reopen_url(owner), {"reason": "second_car", "grade": "O"})
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == "second_car"
    owner.refresh_from_db()
    assert owner.status == Customer.Status.DELIVERED


def test_defeated_customer_reopened_cancels_revisits(login, consultant, showroom_manager):
    customer = defeated(consultant, showroom_manager)
    revisit = Task.objects.create(customer=customer, kind=Task.Kind.DEFEAT_REVISIT, due_on=timezone.localdate(),
                                  assignee=consultant, reason="回访")
    response = login(consultant).post(reopen_url(customer), {"reason": "conquest", "grade": "C"})
    assert response.status_code == 302
    customer.refresh_from_db()
    revisit.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE and revisit.status == Task.Status.CANCELLED
    assert Task.objects.filter(customer=customer, kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING).count() == 1


def test_reopen_is_404_for_another_team(login, consultant, other_consultant):
    owner = delivered(consultant)
    client = login(other_consultant)
    assert client.get(reopen_url(owner)).status_code == 404
    assert client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"}).status_code == 404
    owner.refresh_from_db()
    assert owner.status == Customer.Status.DELIVERED


def test_an_active_prospect_cannot_be_reopened(login, consultant):
    owner = delivered(consultant)
    client = login(consultant)
    client.post(reopen_url(owner), {"reason": "trade_in", "grade": "A"})
    response = client.post(reopen_url(owner), {"reason": "trade_in", "grade": "B"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.grade == "A"


def test_trade_in_care_task_offers_the_reopen_form(login, consultant):
    owner = delivered(consultant)
    Task.objects.create(customer=owner, kind=Task.Kind.CARE_MILESTONE, due_on=timezone.localdate(), assignee=consultant,
                        reason="交车36个月：置换邀约；保养提醒（5000–7500公里）")
    client = login(consultant)
    page = client.get(reverse("owners:owner_detail", args=[owner.pk])).content.decode()
    assert 'data-testid="trade-in-reopen"' in page
    assert f'{reopen_url(owner)}?reason=trade_in' in page
    form = client.get(reopen_url(owner), {"reason": "trade_in"}).context["form"]
    assert form["reason"].value() == "trade_in"
