"""Demo follow-ups: runs last among the customer demos, so every demo prospect has its open task.

Then spreads the open tasks realistically (some due today, some overdue) and builds this week's and
last week's H-grade lists.
"""

import random
from datetime import date, timedelta

from accounts.models import User
from followups.models import HListEntry, PlannedDate, Task
from followups.rules import week_start_of
from followups.services import followups_run_daily, h_list_entry_add
from demo.history import moment
from demo.prospects import CONTENTS, RESULTS
from leads.models import Contact, Customer, Order
from leads.services import contact_log

# The consultants work most of their late follow-ups in the last days.
WORKED_SHARE = 0.85
# By phone and WeChat mostly; a few home visits and DM letters (outbound: the prospecting target).
METHODS = [Contact.Method.PHONE] * 8 + [Contact.Method.MESSAGE] * 5 + [Contact.Method.HOME_VISIT, Contact.Method.DM]

NOTES = [
    "本周六带家人来店，准备签单",
    "贷款资料已交，等银行审批",
    "置换车评估价已谈妥",
    "颜色定了珍珠白，等现车",
    "竞品报价低三千，需经理出面",
    "周五下班后来试驾",
]
A_REASONS = ["贷款已批，等周末提车时间", "竞品月底涨价，客户想本周定", "家人已同意，周六来签约"]


def build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    # Yesterday's run: heals missing tasks and marks the overdue ones; a past run escalates nothing.
    followups_run_daily(day=today - timedelta(days=1))
    tasks_work(rng=rng, today=today)
    pending = Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING)
    ids = sorted(pending.values_list("pk", flat=True))
    rng.shuffle(ids)
    tenth = max(1, len(ids) // 10)  # a day's work: a few due today per consultant, some overdue
    due_today, overdue = ids[:tenth], ids[tenth:tenth + tenth // 2 + 1]
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
    # This morning's run: the manager's escalations for the overdue H and A prospects.
    followups_run_daily(day=today)

    h_list_build(rng=rng, today=today, staff=staff)


def tasks_work(*, rng: random.Random, today: date) -> None:
    """The tasks that fell due before today are mostly done: a contact logged through the service in
    the last ten days (on the due day, or late; never before the customer's last contact, never
    today), which closes the task and opens the next one. Some stay overdue."""
    due = (
        Task.objects.filter(kind__in=Task.PROSPECT_KINDS, status__in=Task.PENDING, due_on__lt=today - timedelta(days=1),
                            customer__status__in=Customer.SCHEDULED_STATUSES)
        .select_related("customer", "assignee").order_by("pk")
    )
    for task in list(due):
        customer = task.customer
        day = max(task.due_on + timedelta(days=rng.choice([0, 0, 1, 2])), today - timedelta(days=rng.randint(1, 10)))
        day = max(day, customer.last_contact_on or day)
        if rng.random() > WORKED_SHARE or day >= today:
            continue
        contact_log(
            customer=customer, by=task.assignee, contacted_at=moment(rng, day, today), method=rng.choice(METHODS),
            content=rng.choice(CONTENTS), result=rng.choice(RESULTS), grade_after=customer.grade,
        )


def _manager_of(customer: Customer, staff: dict[str, User]) -> User:
    team = customer.consultant.team
    return team.manager if team and team.manager else staff["salesmgr"]


def h_list_build(*, rng: random.Random, today: date, staff: dict[str, User]) -> None:
    """The weekly H-grade lists of this week and last week, as built in the weekly meetings.

    This week's goes through the service (about two thirds of the H prospects, a few A prospects with
    their reason, notes on some). Last week's is over, so the service would refuse it: its rows are
    written as they were committed then, the customers who ordered last week among them (the hits)
    beside prospects still open (the misses)."""
    week_start = week_start_of(today)
    active = (
        Customer.objects.filter(status=Customer.Status.ACTIVE, grade__in=HListEntry.GRADES)
        .select_related("consultant__team__manager").order_by("pk")
    )
    h_customers = [c for c in active if c.grade == Customer.Grade.H]
    a_customers = [c for c in active if c.grade == Customer.Grade.A]
    expected_days = [week_start + timedelta(days=d) for d in range(7) if week_start + timedelta(days=d) >= today]
    chosen = rng.sample(h_customers, k=len(h_customers) * 2 // 3)
    chosen += [c for c in rng.sample(a_customers, k=min(len(a_customers), 3))]
    for n, customer in enumerate(chosen):
        by = _manager_of(customer, staff) if n % 3 else customer.consultant  # some proposed by the consultant
        h_list_entry_add(
            customer=customer, week_start=week_start, expected_on=rng.choice(expected_days), by=by, today=today,
            reason="" if customer.grade == Customer.Grade.H else rng.choice(A_REASONS),
            note=rng.choice(NOTES) if by != customer.consultant and rng.random() < 0.5 else "",
        )

    last_week = week_start - timedelta(days=7)
    signed = (
        Order.objects.filter(ordered_on__range=(last_week, last_week + timedelta(days=6)), cancellation__isnull=True)
        .select_related("customer__consultant__team__manager").order_by("pk")
    )
    rows = []
    for order in signed:
        customer = order.customer
        expected = max(last_week, order.ordered_on - timedelta(days=rng.choice([0, 0, 1, 2])))
        rows.append(HListEntry(
            week_start=last_week, customer=customer, consultant_id=order.consultant_id, grade=Customer.Grade.H,
            expected_on=expected, note=rng.choice(NOTES), added_by=_manager_of(customer, staff),
        ))
    for customer in rng.sample(h_customers + a_customers, k=min(len(h_customers + a_customers), max(3, len(rows)))):
        rows.append(HListEntry(
            week_start=last_week, customer=customer, consultant_id=customer.consultant_id, grade=customer.grade,
            expected_on=last_week + timedelta(days=rng.randrange(7)), added_by=_manager_of(customer, staff),
            reason="" if customer.grade == Customer.Grade.H else rng.choice(A_REASONS),
        ))
    HListEntry.objects.bulk_create(rows, ignore_conflicts=True)
