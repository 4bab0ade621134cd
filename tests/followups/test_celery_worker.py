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
from django.db import connection

from followups.models import RunLog
from followups.tasks import followups_run_daily_task

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
