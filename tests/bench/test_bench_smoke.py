"""Smoke test of the benchmark code on a tiny scale: the builder, the query counter, the client, the report."""

import os
import subprocess
import sys
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from bench import run, scale
from bench.middleware import QueryCountMiddleware
from followups.models import Task
from leads.models import Contact, Customer, Defeat, Visit
from owners.models import Vehicle
from reports.models import ReportExport

pytestmark = pytest.mark.bench

TODAY = date(2026, 3, 11)
TINY = 0.001
BENCH_URLCONF = "bench.urls"  # the benchmark server's URLs: the product's plus the floor page


@pytest.fixture
def tiny_bench(db):
    with time_machine.travel("2026-03-11 10:00 +08:00", tick=True):
        scale.build(scale=TINY, seed=7, today=TODAY, log=lambda *_: None)


def test_tiny_scale_builds_every_kind_of_row(tiny_bench):
    # then: prospects of every status and grade, owners with vehicles, registers, contacts, tasks, defeats
    assert Customer.objects.count() == scale.count("prospects", TINY) + scale.count("owners", TINY)
    assert set(Customer.objects.values_list("status", flat=True)) >= {
        Customer.Status.ACTIVE, Customer.Status.DELIVERED, Customer.Status.DEFEATED, Customer.Status.DORMANT,
    }
    assert Vehicle.objects.count() == scale.count("owners", TINY)
    assert Contact.objects.count() >= scale.count("contacts", TINY) * 0.8
    assert Task.objects.count() >= scale.count("tasks", TINY) * 0.8
    assert Defeat.objects.count() == scale.count("defeats", TINY)
    assert Visit.objects.filter(visit_date=TODAY).count() > Visit.objects.count() / 730  # a busy day today
    exports = ReportExport.objects.all()
    assert exports.count() == scale.count("report_exports", TINY)
    assert not exports.exclude(user__role__in=[User.Role.SHOWROOM_MANAGER, User.Role.ADMINISTRATOR, User.Role.SALES_MANAGER]).exists()


def test_tiny_scale_keeps_one_open_task_per_open_prospect(tiny_bench):
    open_prospects = Customer.objects.filter(status__in=[Customer.Status.ACTIVE, Customer.Status.ORDERED])
    tasks = open_prospects.annotate(
        n=Count("tasks", filter=Q(tasks__kind__in=Task.PROSPECT_KINDS, tasks__status__in=Task.PENDING))
    )
    assert set(tasks.values_list("n", flat=True)) == {1}
    pending = Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    assert pending.filter(due_on=TODAY).exists() and pending.filter(due_on__lt=TODAY, status=Task.Status.OVERDUE).exists()
    assert not pending.filter(due_on__lt=TODAY, status=Task.Status.OPEN).exists()


def test_bench_scale_builds_once_and_prints_its_time(db, capsys):
    assert scale.main(["--scale", str(TINY)]) == 0
    first = capsys.readouterr().out
    assert scale.main(["--scale", str(TINY)]) == 0
    second = capsys.readouterr().out

    assert "bench.scale --scale 0.001:" in first and " s." in first
    assert "already present" in second
    assert Customer.objects.count() == scale.count("prospects", TINY) + scale.count("owners", TINY)


def test_seed_demo_scale_runs_the_bench_builder_as_its_own_process(monkeypatch):
    # given: subprocess.run recorded instead of run
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append((command, kwargs)))

    # when
    call_command("seed_demo", "--scale", "0.5", "--seed", "3")

    # then: `python -m bench.scale` with the same arguments and the same environment
    [(command, kwargs)] = calls
    assert command == [sys.executable, "-m", "bench.scale", "--scale", "0.5", "--seed", "3"]
    assert kwargs["env"] == dict(os.environ)


def test_query_counter_reports_queries_only_when_enabled(tiny_bench, monkeypatch):
    monkeypatch.setenv("BENCH_COUNT_QUERIES", "1")
    client = Client()
    with override_settings(ROOT_URLCONF=BENCH_URLCONF,
                           MIDDLEWARE=["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]):
        client.force_login(User.objects.get(username=scale.CONSULTANT_USERNAME))
        response = client.get(reverse("bench_floor"))

    assert response.status_code == 200
    assert int(response["X-Queries"]) >= 1 and float(response["X-Server-Ms"]) > 0

    monkeypatch.setenv("BENCH_COUNT_QUERIES", "0")
    assert QueryCountMiddleware(lambda request: "untouched")(None) == "untouched"


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=BENCH_URLCONF)
def test_load_client_measures_pages_and_writes_benchmarks_markdown(live_server):
    # given: the tiny dealership behind a live server
    with time_machine.travel("2026-03-11 10:00 +08:00", tick=True):
        scale.build(scale=TINY, seed=7, today=TODAY, log=lambda *_: None)
        session = run.login(live_server.url, scale.CONSULTANT_USERNAME, scale.PASSWORD)
        pages = run.pages_for(scale.CONSULTANT_USERNAME, deep_page=2)

        # when: each page is measured twice, and a second of concurrent load
        results = [run.measure(session, page, role="consultant", requests=2, warmup=1) for page in pages[:4]]
        load = run.concurrent_load(
            live_server.url, [("consultant", scale.CONSULTANT_USERNAME, scale.PASSWORD)] * 2,
            {"consultant": pages[:2]}, seconds=1,
        )
    run.judge(results)
    report = {"date": "2026-03-11", "machine": run.machine(), "scale": TINY, "requests_per_page": 2,
              "data": {"leads_customer": Customer.objects.count()}, "pages": [run.asdict(r) for r in results],
              "concurrent": load}
    text = run.markdown(report, previous={"pages": [{"role": "consultant", "page": "today", "p50_ms": 1.5}]})

    # then
    assert [r.page for r in results] == ["floor", "today", "customer list", "customer list, page 2"]
    assert all(r.status == 200 and r.requests == 2 and r.p50_ms > 0 for r in results)
    assert results[0].floor_ratio == 1.0
    assert load["errors"] == 0 and load["requests"] > 0
    assert "| role | page | kind | p50 | p95 |" in text
    assert "| consultant | today | page |" in text and "| 1.5 |" in text
    assert "2 concurrent users" in text
