"""The daily job's guarantees (docs/domain.md, "Follow-ups"): repeatable, late-safe, concurrency-safe, escalates once."""

import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from followups.models import RunLog, Task
from followups.services import followups_run_daily
from leads.models import Customer
from tests.factories import CustomerFactory, prospect_create

DAY = date(2026, 3, 11)


@pytest.fixture(autouse=True)
def _clock(frozen_today):
    """Tasks are created on DAY (the services read the clock); the job is run for explicit days."""
    assert frozen_today == DAY


def _pending_prospect_tasks_per_customer() -> list[int]:
    return list(
        Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
        .values("customer").annotate(n=Count("pk")).order_by().values_list("n", flat=True)
    )


@pytest.mark.django_db
def test_running_twice_for_the_same_day_creates_nothing_the_second_time(consultant, showroom_manager):
    # given: customers without their task (imported rows) and an overdue H prospect
    CustomerFactory.create_batch(5, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    h = prospect_create(consultant=consultant, grade="H", first_contact_on=DAY - timedelta(days=5))
    # when
    first = followups_run_daily(day=DAY)
    tasks_after_first = Task.objects.count()
    second = followups_run_daily(day=DAY)
    # then
    assert (first.created, first.escalated) == (5, 1)
    assert (second.created, second.closed, second.marked_overdue, second.escalated) == (0, 0, 0, 0)
    assert Task.objects.count() == tasks_after_first
    assert Task.objects.get(customer=h, kind=Task.Kind.ESCALATION).assignee == showroom_manager


@pytest.mark.django_db
def test_a_missed_day_is_caught_up_the_next_day(consultant, showroom_manager):
    # given: day 1 ran; a task falls due on day 2 and a customer arrives without a task; day 2 did not run
    customer = prospect_create(consultant=consultant, grade="A", first_contact_on=DAY - timedelta(days=3))
    followups_run_daily(day=DAY - timedelta(days=1))
    Task.objects.filter(customer=customer).update(due_on=DAY, status=Task.Status.OPEN)
    late = CustomerFactory(consultant=consultant, grade="B", graded_on=DAY, first_contact_on=DAY)
    # when: day 3 runs
    run = followups_run_daily(day=DAY + timedelta(days=1))
    # then: the day-2 task is overdue, escalated, and the new customer has a task
    task = Task.objects.get(customer=customer, kind__in=Task.PROSPECT_KINDS)
    assert task.status == Task.Status.OVERDUE
    assert Task.objects.filter(customer=customer, kind=Task.Kind.ESCALATION, assignee=showroom_manager).count() == 1
    assert Task.objects.filter(customer=late, status=Task.Status.OPEN).count() == 1
    assert (run.created, run.marked_overdue, run.escalated) == (1, 1, 1)


@pytest.mark.django_db
def test_run_for_a_past_date_then_today_skips_nothing_and_duplicates_nothing(consultant):
    # given
    CustomerFactory.create_batch(3, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    # when: the job runs late for yesterday, then for today
    followups_run_daily(day=DAY - timedelta(days=1))
    followups_run_daily(day=DAY)
    # then
    assert _pending_prospect_tasks_per_customer() == [1, 1, 1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "grade, days_late, escalated",
    [("H", 1, True), ("A", 3, True), ("H", 0, False), ("B", 5, False), ("C", 5, False)],
)
def test_escalation_only_for_h_and_a_overdue_by_a_day(consultant, showroom_manager, grade, days_late, escalated):
    # given
    customer = prospect_create(consultant=consultant, grade=grade)
    Task.objects.filter(customer=customer).update(due_on=DAY - timedelta(days=days_late))
    # when
    run = followups_run_daily(day=DAY)
    # then
    assert run.escalated == int(escalated)
    assert Task.objects.filter(customer=customer, kind=Task.Kind.ESCALATION).exists() is escalated


@pytest.mark.django_db
def test_escalation_goes_to_the_teams_manager_once_across_days(consultant, showroom_manager, other_manager):
    # given
    customer = prospect_create(consultant=consultant, grade="H")
    Task.objects.filter(customer=customer).update(due_on=DAY - timedelta(days=2))
    # when: the job runs three days in a row
    runs = [followups_run_daily(day=DAY + timedelta(days=i)) for i in range(3)]
    # then
    escalations = Task.objects.filter(kind=Task.Kind.ESCALATION)
    assert [r.escalated for r in runs] == [1, 0, 0]
    assert list(escalations.values_list("customer", "assignee", "due_on")) == [(customer.pk, showroom_manager.pk, DAY)]


@pytest.mark.django_db
def test_orphan_tasks_are_closed_and_counted(consultant):
    # given: a prospect whose status changed without the service (e.g. a bulk import fix)
    customer = prospect_create(consultant=consultant)
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.DEFEATED)
    # when
    run = followups_run_daily(day=DAY)
    # then
    assert run.closed == 1
    assert Task.objects.get(customer=customer).status == Task.Status.CANCELLED


@pytest.mark.django_db
def test_run_log_records_the_counts(consultant, showroom_manager):
    # given
    CustomerFactory.create_batch(2, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    overdue = prospect_create(consultant=consultant, grade="A")
    Task.objects.filter(customer=overdue).update(due_on=DAY - timedelta(days=2))
    # when
    followups_run_daily(day=DAY)
    # then
    log = RunLog.objects.get()
    assert (log.day, log.created, log.closed, log.marked_overdue, log.escalated) == (DAY, 2, 0, 1, 1)
    assert log.duration_ms >= 0 and log.started_at is not None


@pytest.mark.django_db
def test_run_followups_command_prints_the_counts(consultant, showroom_manager):
    # given
    CustomerFactory.create_batch(2, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    overdue = prospect_create(consultant=consultant, grade="H")
    Task.objects.filter(customer=overdue).update(due_on=DAY - timedelta(days=1))
    out = StringIO()
    # when
    call_command("run_followups", "--date", "2026-03-11", stdout=out)
    # then
    assert out.getvalue().startswith("Follow-ups for 2026-03-11: 2 created, 0 closed, 1 marked overdue, 1 escalated (")
    assert RunLog.objects.get().day == DAY


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_create_no_duplicate_task(reference_data, team, showroom_manager):
    # given: committed data seen by every thread's own connection
    from tests.factories import UserFactory

    consultant = UserFactory(username="racer", role="consultant", team=team)
    CustomerFactory.create_batch(60, consultant=consultant, grade="H", graded_on=DAY - timedelta(days=10),
                                 first_contact_on=DAY - timedelta(days=10))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            followups_run_daily(day=DAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert errors == []
    assert _pending_prospect_tasks_per_customer() == [1] * 60
    escalations = Task.objects.filter(kind=Task.Kind.ESCALATION)
    assert escalations.count() == 60
    assert set(escalations.values_list("assignee", flat=True)) == {showroom_manager.pk}
    assert RunLog.objects.count() == 4


@pytest.mark.django_db
def test_the_escalation_says_since_when_in_the_users_language(consultant, showroom_manager):
    customer = prospect_create(consultant=consultant, grade="H")
    Task.objects.filter(customer=customer).update(due_on=DAY - timedelta(days=2))

    followups_run_daily(day=DAY)  # the daily job runs in the installation's language (zh-hans)

    escalation = Task.objects.get(kind=Task.Kind.ESCALATION)
    assert escalation.reason == f"自 {(DAY - timedelta(days=2)).isoformat()} 起逾期"
