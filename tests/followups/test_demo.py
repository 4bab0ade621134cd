import random
from datetime import date

import pytest
import time_machine
from django.utils import timezone

from demo import followups as followups_demo
from demo.staff import build_staff
from followups.models import HListEntry, Task
from leads.models import Customer
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def test_demo_gives_every_prospect_a_task_with_some_due_today_and_some_overdue():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 11, 8)), tick=False):
        # given
        staff = build_staff()
        consultants = [staff[f"consultant{i}"] for i in range(1, 9)]
        for i in range(40):
            prospect_create(consultant=consultants[i % 8], grade="HABCN"[i % 5])
        # when
        followups_demo.build(rng=random.Random(1), today=TODAY, staff=staff)
    # then
    pending = Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    assert pending.count() == Customer.objects.filter(status="active").count() == 40
    assert pending.filter(due_on=TODAY).exists()
    assert pending.filter(due_on__lt=TODAY, status=Task.Status.OVERDUE).exists()
    assert Task.objects.filter(kind=Task.Kind.ESCALATION).exists()
    this_week = HListEntry.objects.filter(week_start=date(2026, 3, 9))
    h_now = Customer.objects.filter(status="active", grade="H").count()
    assert this_week.filter(grade="H").count() == h_now * 2 // 3
    assert this_week.filter(grade="A").exclude(reason="").count() == this_week.filter(grade="A").count() > 0
    assert HListEntry.objects.filter(week_start=date(2026, 3, 2)).exists()
