"""The consultant's home page: due today, overdue, appointments, returned cards (docs/domain.md, "Follow-ups")."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from followups.models import Task
from followups.selectors import nav_counts
from leads.models import Customer
from tests.factories import prospect_create
from tests.owners.conftest import owner

pytestmark = pytest.mark.django_db


def _task_of(customer) -> Task:
    return Task.objects.get(customer=customer, status__in=Task.PENDING)


def _due(customer, day, status=Task.Status.OPEN) -> Task:
    task = _task_of(customer)
    Task.objects.filter(pk=task.pk).update(due_on=day, status=status)
    return task


def test_consultant_sees_tasks_due_today_with_one_click_link_to_log_the_contact(login, consultant, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, name="王小明", grade=Customer.Grade.H)
    task = _due(customer, frozen_today)
    # when
    response = login(consultant).get(reverse("followups:today"))
    # then
    assert response.status_code == 200
    assert list(response.context["lists"].due_today) == [task]
    expected = reverse("leads:contact_create", args=[customer.pk]) + "?" + urlencode({"next": reverse("followups:today")})
    assert f'href="{expected}"' in response.content.decode()


def test_overdue_tasks_are_listed_oldest_first(login, consultant, frozen_today):
    # given
    newer = _due(prospect_create(consultant=consultant), frozen_today - timedelta(days=1), Task.Status.OVERDUE)
    older = _due(prospect_create(consultant=consultant), frozen_today - timedelta(days=5), Task.Status.OVERDUE)
    later = _due(prospect_create(consultant=consultant), frozen_today + timedelta(days=3))
    # when
    response = login(consultant).get(reverse("followups:today"))
    # then
    assert list(response.context["overdue_page"]) == [older, newer]
    assert later not in response.context["lists"].due_today


def test_tasks_coming_due_in_the_next_three_days_are_shown_with_their_link(login, consultant, frozen_today):
    # given
    tomorrow = _due(prospect_create(consultant=consultant), frozen_today + timedelta(days=1))
    in_three_days = _due(prospect_create(consultant=consultant), frozen_today + timedelta(days=3))
    _due(prospect_create(consultant=consultant), frozen_today + timedelta(days=4))
    # when
    response = login(consultant).get(reverse("followups:today"))
    # then
    assert response.context["lists"].upcoming == [tomorrow, in_three_days]
    assert reverse("leads:contact_create", args=[tomorrow.customer_id]) in response.content.decode()


def test_today_shows_appointments_and_returned_cards(login, consultant, frozen_today):
    # given
    with_appointment = prospect_create(consultant=consultant, name="约了今天")
    Customer.objects.filter(pk=with_appointment.pk).update(appointment_at=timezone.make_aware(datetime(2026, 3, 11, 15, 30)))
    tomorrow = prospect_create(consultant=consultant, name="约了明天")
    Customer.objects.filter(pk=tomorrow.pk).update(appointment_at=timezone.make_aware(datetime(2026, 3, 12, 10, 0)))
    returned = prospect_create(consultant=consultant, name="退回的卡")
    Customer.objects.filter(pk=returned.pk).update(card_status=Customer.CardStatus.RETURNED, card_return_comment="电话不全")
    # when
    response = login(consultant).get(reverse("followups:today"))
    # then
    lists = response.context["lists"]
    assert [c.pk for c in lists.appointments] == [with_appointment.pk]
    assert [c.pk for c in lists.returned_cards] == [returned.pk]
    assert "电话不全" in response.content.decode()


def test_today_never_shows_other_consultants_tasks(login, consultant, teammate, other_consultant, frozen_today):
    # given
    _due(prospect_create(consultant=teammate, name="同事客户"), frozen_today)
    _due(prospect_create(consultant=other_consultant, name="别组客户"), frozen_today)
    returned = prospect_create(consultant=other_consultant, name="别组退卡")
    Customer.objects.filter(pk=returned.pk).update(card_status=Customer.CardStatus.RETURNED)
    # when
    response = login(consultant).get(reverse("followups:today"))
    # then
    body = response.content.decode()
    assert "同事客户" not in body and "别组客户" not in body and "别组退卡" not in body
    assert response.context["lists"].due_today == []


def test_manager_sees_own_escalation_tasks_on_today(login, consultant, showroom_manager, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, name="升级客户", grade=Customer.Grade.H)
    escalation = Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    # when
    response = login(showroom_manager).get(reverse("followups:today"))
    # then
    assert response.status_code == 200
    assert list(response.context["lists"].due_today) == [escalation]


def test_reception_gets_404_on_today(login, reception):
    assert login(reception).get(reverse("followups:today")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_today_runs_constant_queries(login, consultant, frozen_today, django_assert_max_num_queries, rows):
    # given
    customers = [prospect_create(consultant=consultant) for _ in range(rows)]
    for i, customer in enumerate(customers):
        _due(customer, frozen_today - timedelta(days=i % 3), Task.Status.OPEN if i % 3 == 0 else Task.Status.OVERDUE)
    Customer.objects.filter(pk__in=[c.pk for c in customers[::4]]).update(
        appointment_at=timezone.make_aware(datetime(2026, 3, 11, 16, 0)), card_status=Customer.CardStatus.RETURNED
    )
    client = login(consultant)
    # when / then
    # 12, plus the notices of visits taken by other consultants and the walk-ins waiting to be completed
    with django_assert_max_num_queries(14):
        response = client.get(reverse("followups:today"))
    assert response.status_code == 200


def test_nav_counts_counts_due_today_and_overdue_in_one_query(consultant, frozen_today, django_assert_num_queries):
    # given
    _due(prospect_create(consultant=consultant), frozen_today)
    _due(prospect_create(consultant=consultant), frozen_today - timedelta(days=2), Task.Status.OVERDUE)
    _due(prospect_create(consultant=consultant), frozen_today + timedelta(days=2))
    # when
    with django_assert_num_queries(1):
        counts = nav_counts(consultant)
    # then
    assert counts == {"today": 2}


def test_today_and_badge_leave_out_tasks_on_customers_the_user_may_not_see(
    login, consultant, showroom_manager, other_consultant, frozen_today
):
    # given a stale escalation of team A's manager, and a care task of alice, both on team B's customer
    theirs = prospect_create(consultant=other_consultant, name="别组升级", phone="13712345678", grade=Customer.Grade.H)
    Task.objects.create(customer=theirs, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    Task.objects.create(customer=theirs, kind=Task.Kind.CARE_MILESTONE, due_on=frozen_today, assignee=consultant)
    for user in (showroom_manager, consultant):
        # when they open today
        response = login(user).get(reverse("followups:today"))
        # then neither the task nor the customer's name and phone are there, and the badge does not count it
        body = response.content.decode()
        assert response.context["lists"].due_today == []
        assert "别组升级" not in body and "13712345678" not in body and "137 1234 5678" not in body
        assert nav_counts(user) == {"today": 0}


def test_after_a_handover_to_another_team_its_manager_has_the_escalation_and_the_consultant_the_care_tasks(
    login, consultant, showroom_manager, other_consultant, other_manager, sales_manager, frozen_today
):
    # given team A's H prospect escalated to A's manager, and team A's owner with a care task due today
    prospect = prospect_create(consultant=consultant, name="换组客户", phone="13712345678", grade=Customer.Grade.H)
    escalation = Task.objects.create(customer=prospect, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    owned = owner(consultant, phone="13912345678", name="换组车主")
    care = Task.objects.create(customer=owned, kind=Task.Kind.CARE_MILESTONE, due_on=frozen_today, assignee=consultant)
    assert escalation in login(showroom_manager).get(reverse("followups:today")).context["lists"].due_today
    # when the sales manager hands both to charlie of team B
    login(sales_manager).post(reverse("staff:handover"), {
        "customer": [prospect.pk, owned.pk], "to": [other_consultant.pk], "reason": "workload"})
    # then A's manager's today page shows neither the escalation nor the customers' names and phones
    response = login(showroom_manager).get(reverse("followups:today"))
    body = response.content.decode()
    assert response.context["lists"].due_today == []
    for text in ("换组客户", "13712345678", "137 1234 5678", "换组车主", "13912345678", "139 1234 5678"):
        assert text not in body
    assert nav_counts(showroom_manager) == {"today": 0}
    # B's manager has the escalation, charlie the care task
    assert list(login(other_manager).get(reverse("followups:today")).context["lists"].due_today) == [escalation]
    assert care in login(other_consultant).get(reverse("followups:today")).context["lists"].due_today
    escalation.refresh_from_db()
    care.refresh_from_db()
    assert (escalation.assignee, escalation.status) == (other_manager, Task.Status.OPEN)
    assert care.assignee == other_consultant


def test_the_managers_today_page_names_the_consultant_of_each_escalation(login, consultant, showroom_manager, frozen_today):
    customer = prospect_create(consultant=consultant, grade="H")
    Task.objects.create(customer=customer, kind=Task.Kind.ESCALATION, due_on=frozen_today, assignee=showroom_manager)
    html = login(showroom_manager).get(reverse("followups:today")).content.decode()
    assert f'data-testid="escalated-consultant">· {consultant}</span>' in html


def test_the_consultants_own_walk_ins_waiting_to_be_completed_are_on_the_today_page(
    login, consultant, teammate, reception, frozen_today
):
    from datetime import time

    from leads.register_services import visit_add

    waiting = visit_add(by=reception, visit_date=frozen_today, arrived_at=time(8, 30), consultant=consultant, party_size=2)
    last_week = visit_add(by=reception, visit_date=frozen_today - timedelta(days=6), arrived_at=time(10), consultant=consultant)
    visit_add(by=reception, visit_date=frozen_today - timedelta(days=7), arrived_at=time(10), consultant=consultant)  # too old
    visit_add(by=reception, visit_date=frozen_today, arrived_at=time(9), consultant=teammate)  # amy's
    response = login(consultant).get(reverse("followups:today"))

    assert response.context["lists"].walk_ins == [waiting, last_week]
    html = response.content.decode()
    assert reverse("leads:visit_complete", args=[waiting.pk]) in html
    # Once completed it leaves the list.
    from leads.models import Visit

    Visit.objects.filter(pk=waiting.pk).update(completed_at=timezone.now(), left_at=time(9))
    assert login(consultant).get(reverse("followups:today")).context["lists"].walk_ins == [last_week]
