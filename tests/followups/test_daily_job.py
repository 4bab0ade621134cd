"""The daily job's guarantees (docs/domain.md, "Follow-ups"): repeatable, late-safe, concurrency-safe, escalates once."""

import threading
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

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


# A run for a past date (docs/domain.md, "Follow-ups"; the rules in `followups_run_daily`'s docstring):
# what is overdue and what is escalated is judged as of the real today, never as of the past day.

def _run_by_service(day: date) -> None:
    followups_run_daily(day=day)


def _run_by_command(day: date) -> None:
    call_command("run_followups", "--date", day.isoformat(), stdout=StringIO())


RUNNERS = pytest.mark.parametrize("run", [_run_by_service, _run_by_command], ids=["service", "command"])


def _tasks() -> list[tuple]:
    return sorted(Task.objects.values_list("customer_id", "kind", "due_on", "status", "assignee_id", "reason"))


def _outcome(run, *days: date) -> list[tuple]:
    """The tasks after running the job for `days` in turn; the database is put back afterwards."""
    with transaction.atomic():
        for day in days:
            run(day)
        tasks = _tasks()
        transaction.set_rollback(True)
    return tasks


@pytest.mark.django_db
@RUNNERS
def test_a_run_for_a_past_date_closes_no_escalation_still_overdue_today(consultant, showroom_manager, run):
    # given: today's run escalated three H prospects overdue since two days ago
    late = [prospect_create(consultant=consultant, grade="H") for _ in range(3)]
    Task.objects.filter(customer__in=late).update(due_on=DAY - timedelta(days=2))
    assert followups_run_daily(day=DAY).escalated == 3
    # when: the job is run for a date before they fell due
    run(DAY - timedelta(days=5))
    # then: none is closed, and the past run logged nothing closed
    escalations = Task.objects.filter(kind=Task.Kind.ESCALATION)
    assert sorted(escalations.values_list("status", flat=True)) == [Task.Status.OPEN] * 3
    assert escalations.filter(closed_at__isnull=False).count() == 0
    assert RunLog.objects.get(day=DAY - timedelta(days=5)).closed == 0


@pytest.mark.django_db
@RUNNERS
def test_a_run_for_a_past_date_creates_no_back_dated_escalation(consultant, showroom_manager, run):
    # given: an H prospect overdue since three days ago, not escalated yet
    customer = prospect_create(consultant=consultant, grade="H")
    Task.objects.filter(customer=customer).update(due_on=DAY - timedelta(days=3))
    # when: the job runs for yesterday, then for today
    run(DAY - timedelta(days=1))
    after_past_run = Task.objects.filter(kind=Task.Kind.ESCALATION).count()
    run(DAY)
    # then: the past run escalated nothing; today's run did, dated today
    assert after_past_run == 0
    assert RunLog.objects.get(day=DAY - timedelta(days=1)).escalated == 0
    assert list(Task.objects.filter(kind=Task.Kind.ESCALATION).values_list("customer", "assignee", "due_on")) == [
        (customer.pk, showroom_manager.pk, DAY)
    ]


@pytest.mark.django_db
@RUNNERS
def test_a_run_for_a_past_date_marks_overdue_what_is_overdue_today(consultant, run):
    # given: a task due yesterday, still open (the job has not run today)
    customer = prospect_create(consultant=consultant, grade="B")
    Task.objects.filter(customer=customer).update(due_on=DAY - timedelta(days=1), status=Task.Status.OPEN)
    # when: the job is run for three days ago
    run(DAY - timedelta(days=3))
    # then: the task is overdue, as a run today would say
    assert Task.objects.get(customer=customer).status == Task.Status.OVERDUE


@pytest.mark.django_db
@RUNNERS
def test_a_missing_task_made_by_a_past_run_is_dated_from_today(consultant, run):
    # given: a prospect without a task whose agreed appointment was yesterday
    customer = CustomerFactory(
        consultant=consultant, grade="B", graded_on=DAY - timedelta(days=2), first_contact_on=DAY - timedelta(days=2),
        appointment_at=timezone.make_aware(datetime(2026, 3, 10, 10, 0)),
    )
    # when: the job is run for the day of the appointment
    run(DAY - timedelta(days=1))
    # then: the past appointment is not the task; the grade's first deadline is (B: within 7 days)
    task = Task.objects.get(customer=customer)
    assert (task.kind, task.due_on, task.status) == (Task.Kind.FIRST_CONTACT, DAY + timedelta(days=5), Task.Status.OPEN)


@pytest.mark.django_db
@RUNNERS
def test_a_run_for_yesterday_then_today_leaves_the_tasks_of_a_run_today(consultant, showroom_manager, run):
    from tests.owners.conftest import delivered

    # given: an H prospect overdue by two days, an A prospect with a task due yesterday and an
    # escalation still open, a prospect without a task whose appointment was yesterday, customers
    # without a task, and an owner whose two-day care call fell due two days ago
    h_late = prospect_create(consultant=consultant, grade="H")
    Task.objects.filter(customer=h_late).update(due_on=DAY - timedelta(days=2))
    a_late = prospect_create(consultant=consultant, grade="A")
    Task.objects.filter(customer=a_late).update(due_on=DAY - timedelta(days=1), status=Task.Status.OPEN)
    Task.objects.create(customer=a_late, kind=Task.Kind.ESCALATION, due_on=DAY - timedelta(days=1),
                        assignee=showroom_manager, reason="earlier")
    CustomerFactory(consultant=consultant, grade="B", graded_on=DAY - timedelta(days=2),
                    first_contact_on=DAY - timedelta(days=2),
                    appointment_at=timezone.make_aware(datetime(2026, 3, 10, 10, 0)))
    CustomerFactory.create_batch(3, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    delivered(consultant, delivered_on=DAY - timedelta(days=4))
    # when
    today_only = _outcome(run, DAY)
    yesterday_then_today = _outcome(run, DAY - timedelta(days=1), DAY)
    # then
    assert yesterday_then_today == today_only
    kinds = [kind for _customer, kind, *_rest in today_only]
    assert kinds.count(Task.Kind.ESCALATION) == 2 and Task.Kind.CARE_MILESTONE in kinds


# The run log: written when the run starts, completed when it ends.

@pytest.mark.django_db
def test_the_run_log_row_exists_unfinished_while_the_job_runs(consultant, monkeypatch):
    # given: a step that looks at the run log while the job is running
    seen = []
    monkeypatch.setattr(
        "followups.services.EXTRA_STEPS",
        [lambda day: seen.append(list(RunLog.objects.values_list("day", "finished_at", "duration_ms"))) or 0],
    )
    CustomerFactory.create_batch(2, consultant=consultant, graded_on=DAY, first_contact_on=DAY)
    # when
    run = followups_run_daily(day=DAY)
    # then: unfinished during the run, finished with the counts at the end
    assert seen == [[(DAY, None, None)]]
    log = RunLog.objects.get()
    assert log.pk == run.pk and log.created == 2
    assert log.finished_at is not None and log.started_at <= log.finished_at and log.duration_ms >= 0


@pytest.mark.django_db
def test_a_run_cut_short_stays_unfinished_and_the_next_run_finishes_the_day(consultant, monkeypatch):
    # given: a run that dies after its first steps (as when its worker is killed)
    CustomerFactory.create_batch(2, consultant=consultant, graded_on=DAY, first_contact_on=DAY)

    def dies(day):
        raise SystemExit("worker killed")

    monkeypatch.setattr("followups.services.EXTRA_STEPS", [dies])
    with pytest.raises(SystemExit):
        followups_run_daily(day=DAY)
    monkeypatch.setattr("followups.services.EXTRA_STEPS", [])
    # when: the job runs again (the redelivered message, or the hourly run)
    call_command("run_followups", "--date", DAY.isoformat(), stdout=StringIO())
    # then: the cut-short run is visible as unfinished, the second one finished the day
    assert [log.finished_at is None for log in RunLog.objects.order_by("pk")] == [True, False]
    assert _pending_prospect_tasks_per_customer() == [1, 1]


# The schedule: the 06:00 morning run, and an hourly re-run at :05 that heals a missed or half run.

@pytest.mark.django_db
def test_beat_runs_the_job_at_six_and_again_every_hour_at_five_past():
    from django_celery_beat.models import PeriodicTask

    rows = PeriodicTask.objects.filter(task="followups.tasks.followups_run_daily_task", enabled=True)
    schedules = sorted(
        (t.crontab.minute, t.crontab.hour, t.crontab.day_of_week, t.crontab.day_of_month, t.crontab.month_of_year,
         str(t.crontab.timezone), t.args, t.kwargs)
        for t in rows
    )
    assert schedules == [
        ("0", "6", "*", "*", "*", "Asia/Shanghai", "[]", "{}"),
        ("5", "*", "*", "*", "*", "Asia/Shanghai", "[]", "{}"),
    ]


@pytest.mark.django_db
def test_the_hourly_schedule_migration_is_idempotent():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    migration = importlib.import_module("followups.migrations.0007_hourly_schedule")
    # when: it runs again
    migration.create_hourly_schedule(apps, None)
    # then
    assert PeriodicTask.objects.filter(name=migration.HOURLY).count() == 1
    assert CrontabSchedule.objects.filter(minute="5", hour="*").count() == 1


@pytest.mark.django_db
def test_runs_logged_before_the_run_log_kept_its_start_count_as_finished():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("followups.migrations.0006_run_log_finished_at")
    started = timezone.make_aware(datetime(2026, 3, 10, 6, 0))
    earlier = RunLog.objects.create(day=DAY - timedelta(days=1), started_at=started, duration_ms=1500)
    unfinished = RunLog.objects.create(day=DAY, started_at=started)
    # when
    migration.finish_earlier_runs(apps, None)
    # then
    earlier.refresh_from_db()
    unfinished.refresh_from_db()
    assert earlier.finished_at == started + timedelta(milliseconds=1500)
    assert unfinished.finished_at is None


# --- Every planned date is kept, the daily job's first one too ------------------------------------


@pytest.mark.django_db
def test_a_prospect_task_the_job_creates_has_its_first_planned_date_on_the_progress_sheet(login, consultant):
    from django.urls import reverse

    from followups.models import PlannedDate

    # given an active prospect that lost its task (a card written before the scheduler, say)
    customer = CustomerFactory(consultant=consultant, grade=Customer.Grade.B, first_contact_on=DAY - timedelta(days=2))
    # when the job heals it, twice
    followups_run_daily(day=DAY)
    followups_run_daily(day=DAY)
    # then the task's date is its one current planned date, by nobody (the job)
    task = Task.objects.get(customer=customer, kind__in=Task.PROSPECT_KINDS)
    planned = PlannedDate.objects.get(task=task)
    assert (planned.planned_on, planned.replaced_on, planned.by, planned.postponed) == (task.due_on, None, None, False)
    # and the progress sheet marks it planned (○)
    sheet = login(consultant).get(reverse("reports:progress"), {"month": "2026-03"}).context["sheet"]
    row = next(row for row in sheet.rows if row.customer == customer)
    assert {cell.day: cell.mark for cell in row.cells if cell.mark} == {task.due_on: "○"}


@pytest.mark.django_db
def test_care_tasks_the_job_creates_have_their_planned_date_and_keep_each_later_one(login, consultant):
    from django.urls import reverse

    from followups.models import PlannedDate
    from tests.owners.conftest import delivered

    # given an owner whose car was delivered two days ago: the job makes the 2-day care task
    owner = delivered(consultant, delivered_on=DAY - timedelta(days=2))
    followups_run_daily(day=DAY)
    followups_run_daily(day=DAY)
    task = Task.objects.get(customer=owner, kind=Task.Kind.CARE_MILESTONE)
    assert list(PlannedDate.objects.filter(task=task).values_list("planned_on", "replaced_on")) == [(DAY, None)]
    # when the owner is not reached and the task moves to tomorrow from its page
    response = login(consultant).post(reverse("followups:task_work", args=[task.pk]), {
        "action": "retry", "on": (DAY + timedelta(days=1)).isoformat(), "reason": "无人接听"})
    assert response.status_code == 302
    # then both dates are kept: the first replaced today, the new one current, by the consultant
    rows = list(PlannedDate.objects.filter(task=task).order_by("id").values_list("planned_on", "replaced_on", "by"))
    assert rows == [(DAY, DAY, None), (DAY + timedelta(days=1), None, consultant.pk)]
    # and the next days' runs (catching up the week) do not bring the task back on its old date
    followups_run_daily(day=DAY + timedelta(days=1))
    assert list(Task.objects.filter(customer=owner, kind=Task.Kind.CARE_MILESTONE).values_list("due_on", flat=True)) == [
        DAY + timedelta(days=1)]
