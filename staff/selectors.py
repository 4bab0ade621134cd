"""The reads of the staff pages: the people a manager sees with what they hold, and one holder's book.

Every read goes through `accounts.visibility`; the figures are grouped counts (one query per table), so
a page costs the same number of queries whatever the number of people or customers.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import holders_visible_to, scope_to_user
from followups.models import Task
from leads.models import Customer

# The status columns of the staff list, in the order a customer goes through them.
STATUS_COLUMNS = [(status, label) for status, label in Customer.Status.choices]


def staff_for_user(user: User) -> QuerySet[User]:
    """The consultants and the managers holding customers whom `user` sees (`holders_visible_to`), active
    ones first, by team."""
    return holders_visible_to(user).order_by("-is_active", "team__name", "role", "username")


def staff_holdings(user: User, people: list[User]) -> None:
    """Set on each of `people` (a page of `staff_for_user`) what they hold, as `user` may see it:
    `by_status` (one count per `STATUS_COLUMNS`), `customer_count`, `open_task_count`, `overdue_task_count`. Two queries."""
    ids = [person.pk for person in people]
    customers = (
        scope_to_user(Customer.objects.filter(consultant_id__in=ids), user)
        .values("consultant_id")
        .annotate(**{f"n_{status}": Count("pk", filter=Q(status=status)) for status, _label in STATUS_COLUMNS})
    )
    by_consultant = {row.pop("consultant_id"): row for row in customers}
    tasks = {
        row["assignee_id"]: row
        for row in scope_to_user(Task.objects.filter(assignee_id__in=ids, status__in=Task.PENDING), user,
                                 consultant_field="assignee")
        .values("assignee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(status=Task.Status.OVERDUE)))
    }
    for person in people:
        counts = by_consultant.get(person.pk, {})
        person.by_status = [counts.get(f"n_{status}", 0) for status, _label in STATUS_COLUMNS]
        person.customer_count = sum(person.by_status)
        person.open_task_count = tasks.get(person.pk, {}).get("open", 0)
        person.overdue_task_count = tasks.get(person.pk, {}).get("overdue", 0)


def get_holder_for_user(user: User, pk: int) -> User:
    """The holder whose book `user` may open; `User.DoesNotExist` otherwise (the view answers 404)."""
    return holders_visible_to(user).get(pk=pk)


# --- A holder's book -------------------------------------------------------------------------------

# The groups of a book: open prospects by grade, then owners, defeated and dormant customers by status.
GRADE_GROUPS = [grade for grade, _label in Customer.Grade.choices]
STATUS_GROUPS = {
    Customer.Status.DELIVERED: _("Owners"),
    Customer.Status.DEFEATED: _("Defeated"),
    Customer.Status.DORMANT: _("Dormant"),
}


def book_group_filter(key: str) -> Q | None:
    """The customers of one group (`H`, `delivered` …), or None for a key that names no group."""
    if key in GRADE_GROUPS:
        return Q(status__in=Customer.OPEN_STATUSES, grade=key)
    if key in STATUS_GROUPS:
        return Q(status=key)
    return None


@dataclass
class Group:
    key: str
    label: str
    count: int
    is_grade: bool


@dataclass
class TaskKindCount:
    kind: str
    label: str
    open: int
    overdue: int


@dataclass
class Book:
    holder: User
    customers: QuerySet[Customer]  # all of the holder's customers the user sees
    groups: list[Group] = field(default_factory=list)  # the non-empty groups
    total: int = 0
    tasks: QuerySet[Task] | None = None  # the holder's open tasks
    task_kinds: list[TaskKindCount] = field(default_factory=list)
    open_tasks: int = 0
    overdue_tasks: int = 0


def holder_book(user: User, holder: User) -> Book:
    """What `holder` holds, as `user` sees it: customers counted by group, open tasks counted by kind
    (the lists themselves are querysets for the page to paginate). Two queries."""
    customers = scope_to_user(Customer.objects.filter(consultant=holder), user).order_by("-created_at", "-pk")
    book = Book(holder=holder, customers=customers)
    counts = {(row["status"], row["grade"]): row["n"] for row in
              customers.order_by().values("status", "grade").annotate(n=Count("pk"))}
    for grade in GRADE_GROUPS:
        count = sum(n for (status, g), n in counts.items() if g == grade and status in Customer.OPEN_STATUSES)
        if count:
            book.groups.append(Group(grade, grade, count, True))
    for status, label in STATUS_GROUPS.items():
        if count := sum(n for (s, _g), n in counts.items() if s == status):
            book.groups.append(Group(status, str(label), count, False))
    book.total = sum(counts.values())

    book.tasks = (
        scope_to_user(Task.objects.filter(assignee=holder, status__in=Task.PENDING), user, consultant_field="assignee")
        .select_related("customer").order_by("due_on", "pk")
    )
    labels = dict(Task.Kind.choices)
    kinds = {row["kind"]: row for row in book.tasks.order_by().values("kind").annotate(
        open=Count("pk"), overdue=Count("pk", filter=Q(status=Task.Status.OVERDUE)))}
    book.task_kinds = [
        TaskKindCount(kind, labels[kind], kinds[kind]["open"], kinds[kind]["overdue"])
        for kind, _label in Task.Kind.choices if kind in kinds
    ]
    book.open_tasks = sum(kind.open for kind in book.task_kinds)
    book.overdue_tasks = sum(kind.overdue for kind in book.task_kinds)
    return book
