"""Handing customers over between consultants, and deactivating a user once they hold nothing."""

from collections.abc import Iterable
from itertools import cycle

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from followups.models import Task
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


class StillAssigned(Exception):
    """A user who still has customers or open tasks cannot be deactivated."""


@transaction.atomic
def customers_handover(
    *, customers: Iterable[Customer], to: list[User], reason: str, by: User, note: str = ""
) -> int:
    """Move customers and their open tasks to `to` (one consultant, or round robin over several).

    Each move writes a consultant history row (from, to, reason). Returns the number moved.
    """
    if not to:
        raise TransitionError(_("Choose at least one consultant to take the customers."))
    reasons = dict(handover_reasons())
    text = reasons.get(reason, reason)
    if note:
        text = f"{text}: {note}"
    ids = sorted({customer.pk for customer in customers})
    locked = list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk").select_related("consultant"))
    targets = cycle(sorted(to, key=lambda user: user.pk))
    moved = 0
    now = timezone.now()
    changes = []
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
        Task.objects.filter(customer=customer, assignee=old, status__in=Task.PENDING).update(assignee=new)
        moved += 1
    CustomerChange.objects.bulk_create(changes)
    return moved


def user_holdings(user: User) -> tuple[int, int]:
    """(customers, open tasks) still assigned to the user."""
    return (
        Customer.objects.filter(consultant=user).count(),
        Task.objects.filter(assignee=user, status__in=Task.PENDING).count(),
    )


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Deactivate a user who no longer holds customers or open tasks (hand them over first)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    customers, tasks = user_holdings(locked)
    if customers or tasks:
        raise StillAssigned(
            _("%(user)s still has %(customers)d customers and %(tasks)d open tasks: hand them over first.")
            % {"user": locked, "customers": customers, "tasks": tasks}
        )
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    return locked
