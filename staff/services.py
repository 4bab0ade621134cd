"""Handing customers over between consultants, changing a user's role or team, and deactivating a user.

None of them may leave a customer or an open task with nobody who can see it, nor the dealership without
an administrator. Each writes its history in the same transaction: a consultant history row per customer
moved, an admin log entry (the user's "History" in the admin) per change to a user.
"""

from collections import defaultdict
from collections.abc import Iterable
from itertools import cycle

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.permissions import HOLDER_ROLES, may_change_user_roles, may_grant_admin_privileges, may_hold_customers
from accounts.roles import user_set_role
from accounts.visibility import scope_to_user, users_deactivatable_by
from followups.models import Task, TaskHandover
from followups.scheduling import tasks_cancel
from leads.models import Customer, CustomerChange
from leads.services import TransitionError


def handover_reasons() -> list[tuple[str, str]]:
    return [
        ("poor_impression", _("Poor impression")),
        ("neglect", _("Neglect")),
        ("workload", _("Workload")),
        ("resignation", _("Resignation")),
        ("promotion", _("Promotion")),
    ]


class Refused(Exception):
    """A change to a user that the rules forbid; the message says why and is shown as it is."""


class StillAssigned(Refused):
    """A user who still has customers or open tasks cannot be deactivated, nor given a role or team that
    could not work them."""


class LastAdministrator(Refused):
    """The last active administrator keeps the role and stays active: without one, only a shell gets back in."""


# --- Handover --------------------------------------------------------------------------------------

def _showroom_managers_of(consultant_ids: Iterable[int]) -> dict[int, int | None]:
    """{holder id: the active showroom manager of their team, or None}. A manager holding customers is
    their own escalation: None."""
    rows = User.objects.filter(pk__in=list(consultant_ids)).values_list(
        "pk", "role", "team__manager_id", "team__manager__is_active"
    )
    return {
        pk: manager_id if manager_id and active and role == User.Role.CONSULTANT else None
        for pk, role, manager_id, active in rows
    }


def _reassign(tasks, to_id: int) -> None:
    """Give `tasks` to `to_id`, each move kept as a `TaskHandover` (the reports credit a past day's
    tasks to whoever had them then)."""
    moving = tasks.exclude(assignee_id=to_id)
    TaskHandover.objects.bulk_create(
        TaskHandover(task_id=pk, from_user_id=from_id, to_user_id=to_id) for pk, from_id in moving.values_list("pk", "assignee_id")
    )
    moving.update(assignee_id=to_id)


def _escalations_follow(*, customer_ids: list[int], manager_id: int | None) -> None:
    """The customers' open escalations go to `manager_id`, the consultant's showroom manager; cancelled without one."""
    escalations = Task.objects.filter(customer_id__in=customer_ids, kind=Task.Kind.ESCALATION, status__in=Task.PENDING)
    if manager_id is None:
        tasks_cancel(escalations)
    else:
        _reassign(escalations, manager_id)


def _tasks_follow(*, customer_ids: list[int], consultant_id: int, manager_id: int | None) -> None:
    """Every open task of the customers follows them: escalations to the showroom manager, the rest
    (prospect, care, birthday, insurance, revisit) to the consultant, whoever held them before."""
    _reassign(
        Task.objects.filter(customer_id__in=customer_ids, status__in=Task.PENDING).exclude(kind=Task.Kind.ESCALATION),
        consultant_id,
    )
    _escalations_follow(customer_ids=customer_ids, manager_id=manager_id)


@transaction.atomic
def customers_handover(
    *, customers: Iterable[Customer], to: list[User], reason: str, by: User, note: str = ""
) -> int:
    """Move customers and their open tasks to `to` (one holder, or round robin over several): consultants,
    or a manager who keeps key customers or a leaver's until a new consultant takes them over.

    Each move writes a consultant history row (from, to, reason). Every open task of a moved customer goes
    with it: escalations to the new consultant's showroom manager (cancelled if their team has none), the
    others to the new consultant. Returns the number moved.

    Refused (`TransitionError`) without customers, without someone to take them, and when one of `to`
    already holds one of the customers (nothing would move to them: round robin would silently skip it).
    """
    if not to:
        raise TransitionError(_("Choose at least one consultant to take the customers."))
    if not all(may_hold_customers(user) for user in to):
        raise TransitionError(_("Only consultants and managers can take customers over."))
    reasons = dict(handover_reasons())
    text = reasons.get(reason, reason)
    if note:
        text = f"{text}: {note}"
    ids = sorted({customer.pk for customer in customers})
    if not ids:
        raise TransitionError(_("Choose at least one customer to hand over."))
    locked = list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk").select_related("consultant"))
    holders = {customer.consultant_id for customer in locked}
    if already := [user for user in sorted(to, key=lambda user: user.pk) if user.pk in holders]:
        # Nothing would move to them: say so rather than report "0 customers handed over".
        raise TransitionError(
            _("%(users)s already holds some of these customers: choose someone else to take them over.")
            % {"users": "、".join(str(user) for user in already)}
        )
    targets = cycle(sorted(to, key=lambda user: user.pk))
    now = timezone.now()
    changes = []
    moved_to: dict[int, list[int]] = defaultdict(list)
    for customer in locked:
        new = next(targets)
        old = customer.consultant
        if new.pk == old.pk:
            continue
        changes.append(
            CustomerChange(customer=customer, field=CustomerChange.Field.CONSULTANT, old_value=str(old)[:100],
                           new_value=str(new)[:100], changed_by=by, note=text)
        )
        Customer.objects.filter(pk=customer.pk).update(
            consultant=new, updated_by=by, updated_at=now, version=F("version") + 1
        )
        moved_to[new.pk].append(customer.pk)
    managers = _showroom_managers_of(moved_to)
    for consultant_id, customer_ids in moved_to.items():
        _tasks_follow(customer_ids=customer_ids, consultant_id=consultant_id, manager_id=managers.get(consultant_id))
    CustomerChange.objects.bulk_create(changes)
    return len(changes)


# --- Users -----------------------------------------------------------------------------------------

def user_holdings(user: User) -> tuple[int, int]:
    """(customers, open tasks) still assigned to the user."""
    return (
        Customer.objects.filter(consultant=user).count(),
        Task.objects.filter(assignee=user, status__in=Task.PENDING).count(),
    )


def is_last_administrator(user: User) -> bool:
    """The user is the only active administrator (read without locks: for pages; the services lock)."""
    return (
        user.role == User.Role.ADMINISTRATOR and user.is_active
        and not User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True).exclude(pk=user.pk).exists()
    )


def _lock_administrators() -> None:
    """Lock the active administrators (by pk, before any other user row) so that two changes cannot each
    remove one of the last two."""
    list(User.objects.select_for_update().filter(role=User.Role.ADMINISTRATOR, is_active=True).order_by("pk").values_list("pk"))


def _last_administrator(user: User) -> LastAdministrator:
    return LastAdministrator(
        _("%(user)s is the last active administrator: make another user administrator first.") % {"user": user}
    )


def _log(*, by: User, user: User, message: str) -> None:
    LogEntry.objects.log_actions(user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=message, single_object=True)


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Deactivate a user who no longer holds customers or open tasks (hand them over first).

    `by` may deactivate only whom `users_deactivatable_by` lists; the last active administrator never.
    """
    if not users_deactivatable_by(by).filter(pk=user.pk).exists():
        raise Refused(_("You may not deactivate %(user)s.") % {"user": user})
    _lock_administrators()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if is_last_administrator(locked):
        raise _last_administrator(locked)
    customers, tasks = user_holdings(locked)
    if customers or tasks:
        raise StillAssigned(
            _("%(user)s still has %(customers)d customers and %(tasks)d open tasks: hand them over first.")
            % {"user": locked, "customers": customers, "tasks": tasks}
        )
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        _log(by=by, user=locked, message=_("Deactivated."))
    return locked


def role_change_check(*, user: User, role: str, team: Team | None) -> None:
    """Raise `Refused` if giving `user` this role and team would orphan what they hold.

    - The last active administrator keeps the role (`LastAdministrator`).
    - A consultant taking another role (a promotion: the Lotus manual has another consultant take their
      customers), or anyone taking a role that cannot hold customers, must have handed them over first;
      a manager holding customers keeps them in another manager's role, or as a consultant.
    - Nobody keeps open tasks on customers their new role and team could not see (a showroom manager's
      escalations when moving team, say); a consultant moving team takes their customers along, which is fine.
    Both `StillAssigned`. Reads without locks; `user_change_role` calls it again under them.
    """
    if user.role == User.Role.ADMINISTRATOR and role != User.Role.ADMINISTRATOR and is_last_administrator(user):
        raise _last_administrator(user)
    held = Task.objects.filter(assignee=user, status__in=Task.PENDING)
    keeps_customers = role in HOLDER_ROLES and (role == User.Role.CONSULTANT or not user.is_consultant)
    customers = 0 if keeps_customers else Customer.objects.filter(consultant=user).count()
    if customers:
        tasks = held.count()
    else:
        future = User(pk=user.pk, role=role, team_id=team.pk if team else None, is_active=True)
        tasks = held.count() - scope_to_user(held, future, consultant_field="customer__consultant").count()
    if customers or tasks:
        raise StillAssigned(
            _("%(user)s still has %(customers)d customers and %(tasks)d open tasks that the new role or team "
              "could not work: hand them over first.")
            % {"user": user, "customers": customers, "tasks": tasks}
        )


@transaction.atomic
def user_change_role(*, user: User, role: str, team: Team | None, by: User) -> User:
    """Give `user` another role or team, unless `role_change_check` refuses it.

    A consultant moving team keeps their customers; the open escalations on those customers go to the new
    team's showroom manager (cancelled if it has none). The role's group and `is_staff` follow the role
    (`accounts.roles.user_set_role`); `is_superuser` never changes here.
    """
    if not may_change_user_roles(by) or (user.is_superuser and not may_grant_admin_privileges(by)):
        raise Refused(_("You may not change the role of %(user)s.") % {"user": user})
    _lock_administrators()
    locked = User.objects.select_for_update(of=("self",)).select_related("team").get(pk=user.pk)
    team_id = team.pk if team else None
    if locked.role == role and locked.team_id == team_id:
        return locked
    role_change_check(user=locked, role=role, team=team)
    before = _("role %(role)s, team %(team)s") % {"role": locked.get_role_display(), "team": locked.team or "-"}
    moved_team = locked.team_id != team_id
    locked.team = team
    locked.save(update_fields=["team"])
    user_set_role(user=locked, role=role)
    if moved_team and role == User.Role.CONSULTANT:
        customer_ids = list(Customer.objects.filter(consultant=locked).values_list("pk", flat=True))
        _escalations_follow(customer_ids=customer_ids, manager_id=_showroom_managers_of([locked.pk])[locked.pk])
    after = _("role %(role)s, team %(team)s") % {"role": locked.get_role_display(), "team": locked.team or "-"}
    _log(by=by, user=locked, message=_("Changed from %(before)s to %(after)s.") % {"before": before, "after": after})
    return locked
