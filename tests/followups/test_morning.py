"""Morning meeting: figures per consultant, lists, visibility, constant queries (docs/domain.md, "Follow-ups")."""

from datetime import timedelta

import pytest
from django.urls import reverse

from followups.models import Task
from leads.models import Customer
from tests.factories import CustomerFactory, UserFactory, prospect_create

pytestmark = pytest.mark.django_db


def _due(customer, day, status=Task.Status.OPEN):
    Task.objects.filter(customer=customer, status__in=Task.PENDING).update(due_on=day, status=status)


def test_showroom_manager_sees_figures_for_their_team_only(
    login, showroom_manager, consultant, teammate, other_consultant, frozen_today
):
    # given
    a1 = prospect_create(consultant=consultant, grade="H")  # card pending
    _due(a1, frozen_today)
    a2 = prospect_create(consultant=consultant, grade="B")
    _due(a2, frozen_today - timedelta(days=3), Task.Status.OVERDUE)
    Customer.objects.filter(pk=a2.pk).update(card_status=Customer.CardStatus.SIGNED)
    stuck = CustomerFactory(consultant=consultant, grade="A", graded_on=frozen_today - timedelta(days=20),
                            card_status=Customer.CardStatus.SIGNED)
    t1 = prospect_create(consultant=teammate, grade="H", name="队友客户")
    _due(t1, frozen_today - timedelta(days=1), Task.Status.OVERDUE)
    prospect_create(consultant=other_consultant, grade="H", name="别组客户")
    # when
    response = login(showroom_manager).get(reverse("followups:morning"))
    # then
    assert response.status_code == 200
    rows = {row.consultant.username: row for row in response.context["meeting"].rows}
    assert set(rows) == {"alice", "amy"}
    alice = rows["alice"]
    assert (alice.due_today, alice.overdue, alice.h_grade, alice.unsigned, alice.stuck) == (1, 1, 1, 1, 1)
    amy = rows["amy"]
    assert (amy.due_today, amy.overdue, amy.h_grade, amy.unsigned, amy.stuck) == (0, 1, 1, 1, 0)
    meeting = response.context["meeting"]
    assert meeting.totals.overdue == 2
    assert [c.pk for c in meeting.stuck] == [stuck.pk]
    body = response.content.decode()
    assert "队友客户" in body and "别组客户" not in body
    assert "d-print-none" in body and "@media print" in body


def test_sales_manager_sees_every_active_consultant(login, sales_manager, consultant, other_consultant, frozen_today):
    # given
    UserFactory(username="gone", role="consultant", team=consultant.team, is_active=False)
    # when
    response = login(sales_manager).get(reverse("followups:morning"))
    # then
    assert {row.consultant.username for row in response.context["meeting"].rows} == {"alice", "charlie"}


@pytest.mark.parametrize("who", ["consultant", "reception"])
def test_consultants_and_reception_get_404_on_the_morning_meeting(login, request, who):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse("followups:morning")).status_code == 404


@pytest.mark.parametrize("rows", [10, 500])
def test_morning_meeting_runs_constant_queries(
    login, sales_manager, consultant, other_consultant, frozen_today, django_assert_max_num_queries, rows
):
    # given: many customers and tasks spread over two consultants
    customers = CustomerFactory.create_batch(rows, consultant=consultant, grade="H", graded_on=frozen_today - timedelta(days=9))
    Customer.objects.filter(pk__in=[c.pk for c in customers[::2]]).update(consultant=other_consultant)
    Task.objects.bulk_create(
        Task(customer=c, kind=Task.Kind.CADENCE, due_on=frozen_today - timedelta(days=i % 3), assignee=c.consultant,
             status=Task.Status.OPEN)
        for i, c in enumerate(Customer.objects.select_related("consultant"))
    )
    client = login(sales_manager)
    # when / then
    with django_assert_max_num_queries(15):
        response = client.get(reverse("followups:morning"))
    assert response.status_code == 200
    assert response.context["meeting"].totals.stuck == rows
