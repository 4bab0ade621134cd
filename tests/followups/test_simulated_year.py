"""After a year of the daily job over the demo dealership, a consultant (and their showroom manager)
empties the today page through the pages alone: every task shown offers an action, and following it
with a valid form takes the task off the page.

What is simulated, precisely: the demo dealership (`seed_demo`'s builders, seed 2026) is built on
11 March 2025. Then the daily job runs for every seventh day up to 10 March 2026 (53 runs) and once
more on that last day, each with the clock set to the day it runs for. A run creates the dated tasks
(care plan, birthdays, insurance, defeat revisits) of the seven days up to its day, so the weekly runs
leave no day uncovered; marking overdue and escalating happen at each run as they would on a daily
one. Nobody works a task during the year, so on 10 March 2026 the lists hold a year's backlog. A
day-by-day year gives the same tasks and takes seven times as long.
"""

import random
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from demo.management.commands.seed_demo import BUILDERS
from demo.staff import build_staff
from followups.models import Task
from followups.services import followups_run_daily

pytestmark = pytest.mark.django_db

START = date(2025, 3, 11)
END = date(2026, 3, 10)
TODAY_PAGE = reverse("followups:today")
ROW = re.compile(r'<tr data-testid="task-(\d+)">(.*?)</tr>', re.S)
ACTION = re.compile(r'href="([^"]+)" data-testid="(log-contact|task-done)"')


def at(day: date, hour: int = 9):
    return time_machine.travel(timezone.make_aware(datetime(day.year, day.month, day.day, hour)), tick=False)


def today_rows(client) -> list[tuple[int, str]]:
    """(task id, row html) of the page's "due today" and "overdue" tables (not the days to come)."""
    body = client.get(TODAY_PAGE).content.decode()
    lists = body.split('id="due-today"', 1)[1].split('id="upcoming"', 1)[0]
    return [(int(pk), row) for pk, row in ROW.findall(lists)]


def bound_values(form) -> dict:
    """What the browser would send for the form as rendered (its initial values)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value
    return data


def follow_action(client, row: str) -> str:
    """Follow the row's action and send its form with valid data; returns the kind of action."""
    match = ACTION.search(row)
    assert match, f"a task row without an action: {row}"
    url, action = match[1].replace("&amp;", "&"), match[2]
    page = client.get(url)
    assert page.status_code == 200
    if action == "log-contact":
        data = bound_values(page.context["form"])
        data.update(content="电话回访", next_followup_reason="按级别跟进")
    else:
        data = bound_values(page.context["work_form"])
        data.update(action="done", result="已联系")
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response.context.get("form") or response.context.get("work_form"), "errors", "")
    return action


def empty_the_today_page(client) -> dict[str, set[str]]:
    """Work the page until its due and overdue lists are empty; {task kind: actions used}."""
    used: dict[str, set[str]] = {}
    for _ in range(2000):
        rows = today_rows(client)
        if not rows:
            return used
        pk, row = rows[0]
        task = Task.objects.get(pk=pk)
        used.setdefault(task.kind, set()).add(follow_action(client, row))
        task.refresh_from_db()
        assert task.status == Task.Status.DONE or task.due_on > timezone.localdate(), task
    raise AssertionError("the today page did not empty")


def test_after_a_simulated_year_the_today_page_is_emptied_through_the_pages(client):
    with at(START, hour=8):
        staff = build_staff()
        rng = random.Random(2026)
        for build in BUILDERS:
            build(rng=rng, today=START, staff=staff)
    day = START
    while day < END:
        day += timedelta(days=7)
        with at(min(day, END), hour=6):
            followups_run_daily(day=min(day, END))
    with at(END, hour=6):
        followups_run_daily(day=END)

    with at(END, hour=10):
        consultant, manager = staff["consultant1"], staff["showroom1"]
        backlog = Task.objects.filter(assignee=consultant, status__in=Task.PENDING, due_on__lte=END)
        assert backlog.filter(kind__in=Task.PROSPECT_KINDS).exists()
        assert backlog.exclude(kind__in=Task.PROSPECT_KINDS).exists()  # the year's care, birthday, insurance…
        kinds_shown = set(backlog.values_list("kind", flat=True))

        client.force_login(consultant)
        used = empty_the_today_page(client)
        assert set(used) == kinds_shown
        assert not Task.objects.filter(assignee=consultant, status__in=Task.PENDING, due_on__lte=END).exists()

        # The manager's list: the escalations of their team's overdue H and A prospects, closed by the
        # consultant's contacts above; anything left (their own customers') is worked the same way.
        client.force_login(manager)
        empty_the_today_page(client)
        assert not Task.objects.filter(assignee=manager, status__in=Task.PENDING, due_on__lte=END).exists()
    # every kind the year produced was shown with an action somewhere
    produced = set(Task.objects.values_list("kind", flat=True))
    assert {Task.Kind.CARE_MILESTONE, Task.Kind.BIRTHDAY, Task.Kind.INSURANCE, Task.Kind.ESCALATION} <= produced
