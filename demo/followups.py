"""Demo follow-ups: runs last among the customer demos, so every demo prospect has its open task.

Then spreads the open tasks realistically (some due today, some overdue) and writes a few notes on
this week's H-grade list.
"""

import random
from datetime import date, timedelta

from accounts.models import User
from followups.models import HListNote, PlannedDate, Task
from followups.selectors import week_start_of
from followups.services import followups_run_daily
from leads.models import Customer

NOTES = [
    "本周六带家人来店，准备签单",
    "贷款资料已交，等银行审批",
    "置换车评估价已谈妥",
    "颜色定了珍珠白，等现车",
    "竞品报价低三千，需经理出面",
    "周五下班后来试驾",
]


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    followups_run_daily(day=today)
    pending = Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    ids = sorted(pending.values_list("pk", flat=True))
    rng.shuffle(ids)
    fifth = max(1, len(ids) // 5)
    due_today, overdue = ids[:fifth], ids[fifth:fifth + fifth // 2 + 1]
    Task.objects.filter(pk__in=due_today).update(due_on=today, status=Task.Status.OPEN)
    by_days: dict[int, list[int]] = {}
    for pk in overdue:
        by_days.setdefault(rng.choice([1, 1, 2, 3, 5, 8]), []).append(pk)
    for days, pks in by_days.items():
        Task.objects.filter(pk__in=pks).update(due_on=today - timedelta(days=days), status=Task.Status.OVERDUE)
    # Keep each card's "next follow-up", and the task's current planned date, in line with its task.
    for task in Task.objects.filter(pk__in=due_today + overdue).only("customer_id", "due_on"):
        Customer.objects.filter(pk=task.customer_id).update(next_followup_on=task.due_on)
        PlannedDate.objects.filter(task_id=task.pk, replaced_on__isnull=True).update(planned_on=task.due_on)
    # The manager's escalations for the overdue H and A prospects.
    followups_run_daily(day=today)

    week_start = week_start_of(today)
    h_customers = list(
        Customer.objects.filter(grade=Customer.Grade.H, status=Customer.Status.ACTIVE)
        .select_related("consultant__team__manager").order_by("pk")
    )
    notes = []
    for customer in rng.sample(h_customers, k=min(len(h_customers), 6)):
        team = customer.consultant.team
        author = team.manager if team and team.manager else staff["salesmgr"]
        notes.append(HListNote(customer=customer, week_start=week_start, note=rng.choice(NOTES), author=author))
    HListNote.objects.bulk_create(notes, ignore_conflicts=True)
