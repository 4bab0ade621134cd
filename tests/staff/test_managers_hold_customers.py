"""Managers hold customers (issue 12, item 8): a key customer kept by the sales manager, a leaver's customers
taken by a manager and handed on, and the holder files the defeat that another manager decides."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from followups.models import Task
from leads.models import Customer, CustomerChange, Defeat, DefeatReason
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def reason():
    return DefeatReason.objects.create(name="价格 (测试)", sort_order=0)


def _handover(client, *, to, reason="resignation", **source):
    return client.post(reverse("staff:handover"), {**source, "to": [user.pk for user in to], "reason": reason})


def _defeat(client, customer, reason):
    return client.post(reverse("leads:defeat_create", args=[customer.pk]), {
        "reason": reason.pk, "brand_bought": "丰田", "model_bought": "凯美瑞", "analysis": "客户选择了竞品。",
        "submission_key": str(uuid.uuid4()),
    })


def _pending_tasks(user):
    return Task.objects.filter(assignee=user, status__in=Task.PENDING)


def test_handover_page_offers_the_sales_manager_and_the_showroom_manager(login, sales_manager, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, phone="13700000001")

    response = login(sales_manager).get(reverse("staff:handover"), {"customer": customer.pk})

    targets = set(response.context["form"].fields["to"].queryset)
    assert {sales_manager, showroom_manager, consultant} <= targets
    assert f"{sales_manager} · " in response.text  # a manager is named with the role


def test_reception_cannot_take_customers(login, sales_manager, consultant, reception):
    customer = prospect_create(consultant=consultant, phone="13700000001")

    response = _handover(login(sales_manager), customer=customer.pk, to=[reception])

    assert response.status_code == 200 and response.context["form"].errors["to"]
    assert Customer.objects.get(pk=customer.pk).consultant == consultant


def test_sales_manager_keeps_a_key_customer_and_works_it_from_the_today_page(login, sales_manager, consultant):
    customer = prospect_create(consultant=consultant, phone="13700000001", grade=Customer.Grade.H)

    _handover(login(sales_manager), customer=customer.pk, to=[sales_manager], reason="workload")

    customer.refresh_from_db()
    assert customer.consultant == sales_manager
    task = _pending_tasks(sales_manager).get(customer=customer)
    assert task.is_prospect_task
    assert not _pending_tasks(consultant).exists()
    change = CustomerChange.objects.get(customer=customer, field=CustomerChange.Field.CONSULTANT)
    assert (change.old_value, change.new_value) == (str(consultant), str(sales_manager))
    client = login(sales_manager)
    listed = client.get(reverse("leads:customer_list"), {"consultant": sales_manager.pk})
    assert [row.pk for row in listed.context["page"].object_list] == [customer.pk]
    assert customer.name in client.get(reverse("followups:today")).text


def test_a_leavers_customers_go_to_the_showroom_manager_and_then_to_a_new_consultant(
    login, showroom_manager, consultant, teammate
):
    # the Lotus manual: a leaver's customers are taken by the manager, then handed to the new consultant
    customers = [prospect_create(consultant=consultant, phone=f"1370000000{n}") for n in range(3)]
    client = login(showroom_manager)

    _handover(client, from_user=consultant.pk, scope="all", to=[showroom_manager])

    assert set(Customer.objects.filter(consultant=showroom_manager)) == set(customers)
    assert _pending_tasks(showroom_manager).filter(kind__in=Task.PROSPECT_KINDS).count() == 3
    assert client.get(reverse("leads:customer_detail", args=[customers[0].pk])).status_code == 200

    _handover(client, from_user=showroom_manager.pk, scope="all", to=[teammate])

    assert set(Customer.objects.filter(consultant=teammate)) == set(customers)
    assert not _pending_tasks(showroom_manager).exists()
    histories = CustomerChange.objects.filter(customer=customers[0], field=CustomerChange.Field.CONSULTANT)
    assert [change.new_value for change in histories.order_by("pk")] == [str(showroom_manager), str(teammate)]


def test_a_customer_held_by_a_showroom_manager_stays_hidden_from_other_teams(
    login, showroom_manager, consultant, other_manager, other_consultant
):
    customer = prospect_create(consultant=consultant, phone="13700000001")
    _handover(login(showroom_manager), customer=customer.pk, to=[showroom_manager])

    for outsider in (other_manager, other_consultant, consultant):
        assert login(outsider).get(reverse("leads:customer_detail", args=[customer.pk])).status_code == 404
        assert customer.name not in login(outsider).get(reverse("leads:customer_list")).text


def test_a_showroom_manager_without_a_team_still_sees_what_they_hold(login, sales_manager, consultant, showroom_manager):
    customer = prospect_create(consultant=consultant, phone="13700000001")
    _handover(login(sales_manager), customer=customer.pk, to=[showroom_manager])
    showroom_manager.team = None
    showroom_manager.save(update_fields=["team"])

    assert login(showroom_manager).get(reverse("leads:customer_detail", args=[customer.pk])).status_code == 200


def test_a_manager_files_a_defeat_for_a_customer_they_hold_and_another_manager_decides_it(
    login, showroom_manager, sales_manager, consultant, reason
):
    customer = prospect_create(consultant=consultant, phone="13700000001")
    _handover(login(sales_manager), customer=customer.pk, to=[showroom_manager])
    client = login(showroom_manager)
    assert 'data-testid="file-defeat"' in client.get(reverse("leads:customer_detail", args=[customer.pk])).text

    assert _defeat(client, customer, reason).status_code == 302

    defeat = Defeat.objects.get(customer=customer)
    assert (defeat.filed_by, defeat.status) == (showroom_manager, Defeat.Status.PENDING)
    # not in their own queue, not decidable by them, not offered on their card
    assert defeat not in client.get(reverse("leads:defeat_queue")).context["page"].object_list
    assert client.post(reverse("leads:defeat_approve", args=[defeat.pk])).status_code == 404
    card = client.get(reverse("leads:customer_detail", args=[customer.pk])).text
    assert reverse("leads:defeat_approve", args=[defeat.pk]) not in card
    # the sales manager decides it
    boss = login(sales_manager)
    assert defeat in boss.get(reverse("leads:defeat_queue")).context["page"].object_list
    assert boss.post(reverse("leads:defeat_approve", args=[defeat.pk]), {"confirm": "yes"}).status_code == 302
    assert Customer.objects.get(pk=customer.pk).is_defeated


def test_a_manager_does_not_file_defeats_for_the_teams_customers(login, showroom_manager, consultant, reason):
    customer = prospect_create(consultant=consultant, phone="13700000001")
    client = login(showroom_manager)

    assert 'data-testid="file-defeat"' not in client.get(reverse("leads:customer_detail", args=[customer.pk])).text
    assert client.get(reverse("leads:defeat_create", args=[customer.pk])).status_code == 404
    assert _defeat(client, customer, reason).status_code == 404
    assert not Defeat.objects.exists()


def test_the_daily_job_does_not_escalate_a_managers_own_customer_to_themselves(login, showroom_manager, consultant):
    customer = prospect_create(consultant=consultant, phone="13700000001", grade=Customer.Grade.H)
    _handover(login(showroom_manager), customer=customer.pk, to=[showroom_manager])
    Task.objects.filter(customer=customer, status__in=Task.PENDING).update(due_on=timezone.localdate() - timedelta(days=3))

    call_command("run_followups", "--date", timezone.localdate().isoformat())

    assert not Task.objects.filter(customer=customer, kind=Task.Kind.ESCALATION).exists()
