"""Reads of follow-up tasks and of the morning lists, scoped to what the user may see."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count, DateField, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, QuerySet, Subquery, Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.visibility import consultants_visible_to, scope_to_user
from followups import rules
from followups.models import HListEntry, PlannedDate, RuleSet, Task
from followups.rules import week_start_of  # noqa: F401 (the pages' name for it)
from leads.models import Contact, Customer, Order, Visit
from leads.register_selectors import visit_notices_for, visits_to_complete
from leads.selectors import customers_for_user, returned_cards_for

# Expected purchase window per grade (docs/domain.md, "Grades"): past it without an order, the prospect is stuck.
PURCHASE_WINDOW_DAYS = {Customer.Grade.H: 7, Customer.Grade.A: 15, Customer.Grade.B: 30, Customer.Grade.C: 90}
STUCK_CONTACTS = 3


# --- Stuck prospects -------------------------------------------------------------------------------

def annotate_same_grade_contacts(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """`same_grade_contacts`: contacts on or after the last grade change that left the grade as it is."""
    contacts = (
        Contact.objects.filter(
            customer=OuterRef("pk"),
            grade_after=OuterRef("grade"),
            contacted_at__date__gte=OuterRef("graded_on"),
        )
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        same_grade_contacts=Coalesce(Subquery(contacts, output_field=IntegerField()), Value(0))
    )


def stuck_q(*, today: date) -> Q:
    """Needs `annotate_same_grade_contacts` on the queryset; `filter_stuck` does both."""
    window_passed = Q()
    for grade, days in PURCHASE_WINDOW_DAYS.items():
        window_passed |= Q(grade=grade, graded_on__lt=today - timedelta(days=days))
    return Q(status=Customer.Status.ACTIVE) & (Q(same_grade_contacts__gte=STUCK_CONTACTS) | window_passed)


def filter_stuck(queryset: QuerySet[Customer], *, today: date) -> QuerySet[Customer]:
    """Active prospects contacted 3+ times since their last grade change, or past their purchase window.

    "Past the window": graded H more than 7 days ago (A 15, B 30, C 90) and still active (no order);
    N and O are never stuck by the window.
    """
    return annotate_same_grade_contacts(queryset).filter(stuck_q(today=today))


# --- Today page ------------------------------------------------------------------------------------

def _own_visible_tasks(user: User) -> QuerySet[Task]:
    """The user's pending tasks on customers the user may see (the rule of `customers_for_user`).

    Whoever a task is assigned to, a customer out of the user's sight (handed over to another team, say)
    never shows on their lists nor in their badge.
    """
    return scope_to_user(
        Task.objects.filter(assignee=user, status__in=Task.PENDING), user, consultant_field="customer__consultant"
    )


def tasks_for_user(user: User) -> QuerySet[Task]:
    """The user's own pending tasks (a manager's escalations included) on customers they may see, with the customer loaded."""
    return _own_visible_tasks(user).select_related("customer").order_by("due_on", "id")


def nav_counts(user: User) -> dict[str, int]:
    """Badge numbers for the navigation, one query: {"today": tasks due today or overdue}, as the today page lists them."""
    if not (user.is_consultant or user.is_manager):
        return {}
    today = timezone.localdate()
    return {"today": _own_visible_tasks(user).filter(due_on__lte=today).count()}


def appointments_for(user: User, *, day: date) -> QuerySet[Customer]:
    """Customers the user may see with an appointment agreed for `day`."""
    # A range of aware datetimes (not appointment_at__date, a per-row cast): the index can serve it.
    starts = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return (
        customers_for_user(user)
        .filter(appointment_at__gte=starts, appointment_at__lt=starts + timedelta(days=1), status__in=Customer.OPEN_STATUSES)
        .select_related("consultant", "car_model")
        .order_by("appointment_at", "pk")
    )


# The today page also shows what comes due in the next days, so a new prospect is visible at once.
UPCOMING_DAYS = 3
UPCOMING_LIMIT = 50


@dataclass
class TodayLists:
    due_today: list[Task]
    overdue: QuerySet[Task]
    upcoming: list[Task]
    appointments: list[Customer]
    returned_cards: list[Customer]
    # Visits of the user's (a manager: their team's) customers taken by another consultant, last 7 days.
    notices: list[Visit] = field(default_factory=list)
    # The user's own walk-ins of the last days still waiting for the consultant's part of the row.
    walk_ins: list[Visit] = field(default_factory=list)


def today_lists(user: User, *, today: date) -> TodayLists:
    tasks = tasks_for_user(user).select_related("customer__car_model", "customer__consultant")
    return TodayLists(
        due_today=list(tasks.filter(due_on=today)),
        overdue=tasks.filter(due_on__lt=today),  # oldest first; the view paginates it
        upcoming=list(tasks.filter(due_on__gt=today, due_on__lte=today + timedelta(days=UPCOMING_DAYS))[:UPCOMING_LIMIT]),
        appointments=list(appointments_for(user, day=today)),
        returned_cards=list(returned_cards_for(user).order_by("-updated_at", "pk")),
        notices=visit_notices_for(user, today=today),
        walk_ins=visits_to_complete(user, today=today),
    )


# --- Morning meeting -------------------------------------------------------------------------------

@dataclass
class ConsultantRow:
    consultant: User
    due_today: int = 0
    overdue: int = 0
    h_grade: int = 0
    unsigned: int = 0
    stuck: int = 0


@dataclass
class ConsultantSection:
    """One consultant's part of the meeting: the figures of their summary row and the lists behind them."""

    row: ConsultantRow
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    h_grade: list[Customer] = field(default_factory=list)
    stuck: list[Customer] = field(default_factory=list)
    unsigned: list[Customer] = field(default_factory=list)
    postponements: list[PlannedDate] = field(default_factory=list)
    # Shown open: the consultant has overdue work, or the page is narrowed (the user asked for these rows).
    is_open: bool = False

    @property
    def consultant(self) -> User:
        return self.row.consultant

    @property
    def has_rows(self) -> bool:
        return any(getattr(self, name) for name in (*FIGURES, "postponements"))


@dataclass
class MeetingFilter:
    """What `?consultant=<id>&list=<figure>` keeps of the page; a value the user may not have is dropped."""

    consultant: User | None = None
    list: str | None = None

    @property
    def is_set(self) -> bool:
        return self.consultant is not None or self.list is not None

    def shows(self, name: str) -> bool:
        return self.list is None or self.list == name


@dataclass
class MorningMeeting:
    rows: list[ConsultantRow]
    totals: ConsultantRow
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    h_grade: list[Customer] = field(default_factory=list)
    stuck: list[Customer] = field(default_factory=list)
    unsigned: list[Customer] = field(default_factory=list)
    # H/A prospects' follow-ups postponed past the rule in the last POSTPONEMENT_DAYS days, newest first.
    postponements: list[PlannedDate] = field(default_factory=list)
    # The lists above again, one section per consultant of the summary (those the filter keeps).
    sections: list[ConsultantSection] = field(default_factory=list)
    filter: MeetingFilter = field(default_factory=MeetingFilter)


POSTPONEMENT_DAYS = 7
FIGURES = ("due_today", "overdue", "h_grade", "unsigned", "stuck")


def _figures_per_consultant(tasks: QuerySet[Task], customers: QuerySet[Customer], *, today: date) -> dict[int, dict]:
    """{consultant id: {figure: count}}: three GROUP BY queries (tasks, customers, stuck customers)."""
    figures: dict[int, dict] = defaultdict(dict)
    for row in tasks.order_by().values("assignee_id").annotate(
        due_today=Count("pk", filter=Q(due_on=today)), overdue=Count("pk", filter=Q(due_on__lt=today))
    ):
        figures[row.pop("assignee_id")].update(row)
    for row in customers.order_by().values("consultant_id").annotate(
        h_grade=Count("pk", filter=Q(grade=Customer.Grade.H, status=Customer.Status.ACTIVE)),
        unsigned=Count("pk", filter=Q(card_status=Customer.CardStatus.PENDING)),
    ):
        figures[row.pop("consultant_id")].update(row)
    stuck = filter_stuck(customers, today=today).order_by().values("consultant_id").annotate(n=Count("pk"))
    for consultant_id, count in stuck.values_list("consultant_id", "n"):
        figures[consultant_id]["stuck"] = count
    return figures


def morning_meeting(
    user: User, *, today: date, consultant_id: int | None = None, only: str | None = None
) -> MorningMeeting:
    """Per visible active consultant: today's due, overdue, H prospects, unsigned cards, stuck; and the lists
    (with the last week's postponements of H/A prospects), flat and grouped by consultant.

    `consultant_id` (one of the summary's consultants) and `only` (one of FIGURES) narrow the lists, never
    the summary; any other value is ignored. A fixed number of queries whatever the volume: one per figure
    table, one per list.
    """
    consultants = list(consultants_visible_to(user).filter(is_active=True).order_by("team__name", "username"))
    ids = [c.pk for c in consultants]
    tasks = scope_to_user(Task.objects.all(), user, consultant_field="assignee").filter(
        assignee_id__in=ids, status__in=Task.PENDING
    )
    customers = customers_for_user(user).filter(consultant_id__in=ids)
    figures = _figures_per_consultant(tasks, customers, today=today)
    rows = [
        ConsultantRow(consultant=c, **{name: figures[c.pk].get(name, 0) for name in FIGURES}) for c in consultants
    ]
    totals = ConsultantRow(consultant=None, **{name: sum(getattr(r, name) for r in rows) for name in FIGURES})

    chosen = MeetingFilter(
        consultant=next((c for c in consultants if c.pk == consultant_id), None),
        list=only if only in FIGURES else None,
    )
    if chosen.consultant is not None:  # the lists of one consultant only: the same queries, fewer rows
        tasks = tasks.filter(assignee=chosen.consultant)
        customers = customers.filter(consultant=chosen.consultant)
    task_list = tasks.select_related("customer__consultant", "customer__car_model", "assignee").order_by("due_on", "id")
    customer_list = customers.select_related("consultant", "car_model")
    shows = chosen.shows
    # One query for the due-today and overdue lists.
    pending_list = list(task_list.filter(due_on__lte=today)) if shows("due_today") or shows("overdue") else []
    meeting = MorningMeeting(
        rows=rows,
        totals=totals,
        due_today=[t for t in pending_list if t.due_on == today] if shows("due_today") else [],
        overdue=[t for t in pending_list if t.due_on < today] if shows("overdue") else [],
        h_grade=list(
            customer_list.filter(grade=Customer.Grade.H, status=Customer.Status.ACTIVE).order_by("consultant_id", "graded_on", "pk")
        ) if shows("h_grade") else [],
        stuck=list(filter_stuck(customer_list, today=today).order_by("consultant_id", "graded_on", "pk")) if shows("stuck") else [],
        unsigned=list(
            customer_list.filter(card_status=Customer.CardStatus.PENDING).order_by("consultant_id", "created_at", "pk")
        ) if shows("unsigned") else [],
        postponements=_postponements(customers, today=today) if chosen.list is None else [],
        filter=chosen,
    )
    meeting.sections = _sections(meeting, rows)
    return meeting


def _sections(meeting: MorningMeeting, rows: list[ConsultantRow]) -> list[ConsultantSection]:
    """The lists split by consultant (tasks by assignee, customers and postponements by the customer's
    consultant), in the summary's order; with a filter, only the sections it keeps."""
    chosen = meeting.filter
    sections = {row.consultant.pk: ConsultantSection(row=row, is_open=bool(row.overdue) or chosen.is_set) for row in rows}
    for name in ("due_today", "overdue"):
        for task in getattr(meeting, name):
            getattr(sections[task.assignee_id], name).append(task)
    for name in ("h_grade", "stuck", "unsigned"):
        for customer in getattr(meeting, name):
            getattr(sections[customer.consultant_id], name).append(customer)
    for row in meeting.postponements:
        sections[row.task.customer.consultant_id].postponements.append(row)
    if chosen.consultant is not None:
        return [sections[chosen.consultant.pk]]
    if chosen.list is not None:
        return [section for section in sections.values() if getattr(section, chosen.list)]
    return list(sections.values())


def _postponements(customers: QuerySet[Customer], *, today: date) -> list[PlannedDate]:
    """Postponements made in the last week for these (visible) customers now graded H or A: one query.

    Each row: `task.customer`, `task.assignee`, `by`, `rule_on` (from) → `planned_on` (to), `reason`.
    """
    since = datetime.combine(today - timedelta(days=POSTPONEMENT_DAYS - 1), time.min, tzinfo=timezone.get_current_timezone())
    visible = customers.filter(grade__in=[Customer.Grade.H, Customer.Grade.A]).values("pk")
    return list(
        PlannedDate.objects.filter(postponed=True, created_at__gte=since, task__customer__in=visible)
        .select_related("task__customer", "task__assignee", "by")
        .order_by("-created_at", "-id")
    )


# --- Weekly H-grade list ---------------------------------------------------------------------------

HIT_RATE_WEEKS = (4, 8)


@dataclass
class HitRate:
    committed: int = 0
    signed: int = 0

    @property
    def percent(self) -> int | None:
        """Signed ÷ committed in whole per cent (never over 100: a signed entry is a committed one)."""
        return round(100 * self.signed / self.committed) if self.committed else None


@dataclass
class HListGroup:
    consultant: User
    entries: list[HListEntry] = field(default_factory=list)
    week: HitRate = field(default_factory=HitRate)
    # The hit rate over the last 4 and 8 weeks, the shown week the last of them.
    rates: dict[int, HitRate] = field(default_factory=dict)
    # Active H prospects of the consultant not on the week's list (the meeting's candidates).
    h_not_listed: int = 0


@dataclass
class HListWeek:
    week_start: date
    is_open: bool
    may_be_committed: bool
    groups: list[HListGroup]
    total: HitRate

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


def h_list_entries_for(user: User) -> QuerySet[HListEntry]:
    """The entries the user may see: by the holder stamped on the entry (a handover moves no past week)."""
    return scope_to_user(HListEntry.objects.all(), user, consultant_field="consultant")


def get_h_list_entry_for_user(user: User, pk: int) -> HListEntry:
    entry = h_list_entries_for(user).select_related("customer", "consultant").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def signed_in_week() -> Exists:
    """The entry's customer has an order dated in the entry's week that is not cancelled."""
    return Exists(_orders_in_week())


def _orders_in_week() -> QuerySet[Order]:
    return Order.objects.filter(
        customer=OuterRef("customer_id"),
        ordered_on__gte=OuterRef("week_start"),
        ordered_on__lte=ExpressionWrapper(OuterRef("week_start") + timedelta(days=6), output_field=DateField()),
        cancellation__isnull=True,
    )


def h_list_candidates(user: User, *, holder: User, week_start: date) -> QuerySet[Customer]:
    """The holder's active H and A prospects the user sees that are not on the week's list yet."""
    return (
        customers_for_user(user)
        .filter(consultant=holder, status=Customer.Status.ACTIVE, grade__in=HListEntry.GRADES)
        .exclude(h_list_entries__week_start=week_start)
        .order_by("grade", "name", "pk")  # H before A
    )


def h_list_week(user: User, *, week_start: date, today: date) -> HListWeek:
    """The week's committed customers per visible consultant (grade then and now, expected day, signed or not),
    the week's committed / signed, the hit rate over the last 4 and 8 weeks, and how many H prospects are not
    on the list. Four queries whatever the volume: consultants, the week's entries, the rates, the candidates."""
    consultants = list(consultants_visible_to(user).filter(is_active=True).order_by("team__name", "username"))
    entries = list(
        h_list_entries_for(user)
        .filter(week_start=week_start)
        .select_related("customer__car_model", "customer__colour", "consultant", "added_by")
        .annotate(
            signed_on=Subquery(_orders_in_week().order_by("ordered_on", "pk").values("ordered_on")[:1]),
            still_visible=Exists(customers_for_user(user).filter(pk=OuterRef("customer_id"))),
        )
        .order_by("expected_on", "customer__name", "pk")
    )
    groups = {c.pk: HListGroup(consultant=c) for c in consultants}
    for entry in entries:  # a former consultant's, or a manager's who holds customers, get a group of their own
        group = groups.setdefault(entry.consultant_id, HListGroup(consultant=entry.consultant))
        group.entries.append(entry)
        group.week.committed += 1
        group.week.signed += entry.signed_on is not None
    since = {weeks: week_start - timedelta(weeks=weeks - 1) for weeks in HIT_RATE_WEEKS}
    figures = {}
    for weeks, first in since.items():
        figures[f"committed_{weeks}"] = Count("pk", filter=Q(week_start__gte=first))
        figures[f"signed_{weeks}"] = Count("pk", filter=Q(week_start__gte=first, signed=True))
    rates = (
        h_list_entries_for(user)
        .filter(week_start__gte=min(since.values()), week_start__lte=week_start, consultant_id__in=list(groups))
        .annotate(signed=signed_in_week())
        .order_by()
        .values("consultant_id")
        .annotate(**figures)
    )
    for row in rates:
        groups[row["consultant_id"]].rates = {
            weeks: HitRate(committed=row[f"committed_{weeks}"], signed=row[f"signed_{weeks}"]) for weeks in HIT_RATE_WEEKS
        }
    is_open = rules.h_list_week_is_open(week_start, today=today)
    if is_open:
        not_listed = (
            customers_for_user(user)
            .filter(consultant_id__in=list(groups), grade=Customer.Grade.H, status=Customer.Status.ACTIVE)
            .exclude(h_list_entries__week_start=week_start)
            .order_by()
            .values("consultant_id")
            .annotate(n=Count("pk"))
        )
        for consultant_id, n in not_listed.values_list("consultant_id", "n"):
            groups[consultant_id].h_not_listed = n
    for group in groups.values():
        for weeks in HIT_RATE_WEEKS:
            group.rates.setdefault(weeks, HitRate())
    return HListWeek(
        week_start=week_start,
        is_open=is_open,
        may_be_committed=rules.h_list_week_may_be_committed(week_start, today=today),
        groups=list(groups.values()),
        total=HitRate(committed=len(entries), signed=sum(e.signed_on is not None for e in entries)),
    )


# --- Rule sets -------------------------------------------------------------------------------------

def rule_sets_with_rules() -> QuerySet[RuleSet]:
    return RuleSet.objects.prefetch_related("rules").annotate(rule_count=Count("rules"))


def get_rule_set(pk: int) -> RuleSet:
    try:
        return RuleSet.objects.get(pk=pk)
    except RuleSet.DoesNotExist:
        raise Http404
