"""A real Celery worker (and beat) run the daily job through the broker against the test database."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from followups.models import RunLog, Task
from followups.tasks import followups_run_daily_task
from tests.factories import CustomerFactory, UserFactory

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
TIMEOUT = 60

pytestmark = pytest.mark.celery


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env() -> dict[str, str]:
    # The settings module of this test run (crm_project.test_settings from pytest.ini, or --ds).
    env = dict(os.environ, DATABASE_URL=_test_database_url(), DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, CONN_MAX_AGE="0")
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


@pytest.fixture
def queue():
    """A queue of this test's own, so no other worker on the same broker takes its messages."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for folder in ("data_folder_in", "processed_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[folder]).mkdir(parents=True, exist_ok=True)
    return f"test-followups-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def spawn(transactional_db, tmp_path):
    """spawn(*celery args) starts a celery process; all are stopped when the test ends."""
    processes: list[subprocess.Popen] = []

    def _spawn(*args: str) -> subprocess.Popen:
        log = open(tmp_path / f"celery-{len(processes)}.log", "w")
        process = subprocess.Popen(
            [CELERY, "-A", "crm_project", *args], cwd=BASE_DIR, env=_env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield _spawn
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _worker(spawn, queue):
    return spawn("worker", "-Q", queue, "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat")


def _wait_for(condition, *, processes, tmp_path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        dead = [p for p in processes if p.poll() is not None]
        if dead:
            break
        time.sleep(0.5)
    logs = "\n".join(path.read_text()[-3000:] for path in sorted(tmp_path.glob("celery-*.log")))
    pytest.fail(f"condition not met within {TIMEOUT}s; celery output:\n{logs}")


def test_worker_runs_the_daily_job_sent_through_the_broker(spawn, queue, tmp_path, reference_data):
    # given
    worker = _worker(spawn, queue)
    # when
    followups_run_daily_task.apply_async(args=["2026-03-11"], queue=queue)
    # then
    _wait_for(lambda: RunLog.objects.filter(day=date(2026, 3, 11)).exists(), processes=[worker], tmp_path=tmp_path)
    assert RunLog.objects.filter(day=date(2026, 3, 11)).count() == 1


def test_beat_sends_the_scheduled_job_to_the_worker(spawn, queue, tmp_path, reference_data):
    # given: a schedule of every two seconds, on this test's queue only
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    PeriodicTask.objects.all().delete()
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name=f"test {queue}", task="followups.tasks.followups_run_daily_task", interval=every_two_seconds,
        args=json.dumps(["2026-03-12"]), queue=queue,
    )
    # when
    worker = _worker(spawn, queue)
    beat = spawn("beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", "")
    # then: beat sent it (at least twice, the schedule repeats) and the worker ran it
    _wait_for(lambda: RunLog.objects.filter(day=date(2026, 3, 12)).count() >= 2, processes=[worker, beat], tmp_path=tmp_path)


def _broker_transport_options(**env: str) -> dict:
    """The Celery app's transport options as a worker started with `env` reads them."""
    script = (
        "import json; from crm_project.celery import app; "
        "print(json.dumps(app.conf.broker_transport_options))"
    )
    environment = {key: value for key, value in _env().items() if key != "CELERY_VISIBILITY_TIMEOUT"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env={**environment, **env},
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


def test_a_killed_workers_task_is_delivered_again_within_minutes_on_redis():
    # given: the Redis broker, with the default and with a configured visibility timeout
    default = _broker_transport_options(CELERY_BROKER_URL="redis://127.0.0.1:6379/11")
    configured = _broker_transport_options(CELERY_BROKER_URL="redis://127.0.0.1:6379/11", CELERY_VISIBILITY_TIMEOUT="10")
    # then: 5 minutes by default, the variable when set, and every worker sweeps for such tasks each 10 s
    assert default["visibility_timeout"] == 300 and configured["visibility_timeout"] == 10
    sweep = default["unacked_restore_interval"] * default["unacked_restore_throttle"]
    assert sweep == 10
    assert default["visibility_timeout"] + sweep < 15 * 60


def test_a_killed_workers_daily_job_has_completed_soon_after_the_workers_restart(
    spawn, queue, tmp_path, reference_data, monkeypatch
):
    """A killed worker's daily job has completed within 15 minutes of the worker's restart (here: 10 s timeout).

    It needs the deployment's services (a missing one is a failure, never a skip): the Redis transport
    delivers an unacknowledged task again, and a PostgreSQL table lock holds the job midway."""
    assert settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")), "set CELERY_BROKER_URL to a Redis"
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    day = date(2026, 3, 11)
    # given: workers with a short visibility timeout, and prospects without their task
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "10")
    consultant = UserFactory(username="killed-worker", role="consultant")
    customers = CustomerFactory.create_batch(20, consultant=consultant)
    worker = _worker(spawn, queue)
    with transaction.atomic():
        # The job's first write to the tasks table waits for this lock, so it is caught midway:
        # its run log row written (finished_at empty), nothing of the day done yet.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Task._meta.db_table} IN EXCLUSIVE MODE")
        followups_run_daily_task.apply_async(args=[day.isoformat()], queue=queue)
        _wait_for(lambda: RunLog.objects.filter(day=day, finished_at__isnull=True).exists(), processes=[worker],
                  tmp_path=tmp_path)
        # when: the worker is killed mid-job
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    # ... and started again
    restarted = time.monotonic()
    worker = _worker(spawn, queue)
    _wait_for(lambda: RunLog.objects.filter(day=day, finished_at__isnull=False).exists(), processes=[worker],
              tmp_path=tmp_path)
    elapsed = time.monotonic() - restarted
    # then: the message came back within the visibility timeout and a sweep, and the day is done once
    assert elapsed < 10 + 10 + 20, f"completed {elapsed:.0f} s after the restart"
    logs = list(RunLog.objects.filter(day=day).order_by("pk"))
    assert [log.finished_at is None for log in logs] == [True, False]  # the cut-short run stays visible
    assert logs[1].created == len(customers)
    pending = Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    assert sorted(pending.values_list("customer", flat=True)) == sorted(c.pk for c in customers)
