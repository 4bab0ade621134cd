"""The events several reports count, each defined once: the unscoped rows (`reports.figures` reads
them for its figures) and the same scoped to what the user may see (the channel and defeat reports)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.visibility import scope_to_user
from leads.models import Defeat
from owners.models import Vehicle

DELIVERY_CONSULTANT = "order__consultant"
DEFEAT_CONSULTANT = "filed_by"


def delivered_vehicles() -> QuerySet[Vehicle]:
    """A delivery is a car this dealership sold handed over: a vehicle recorded against an order
    (`owners.services.delivery_record`), on its delivery date, credited to the consultant of the
    order. Owners added by hand or imported have vehicles without an order: they are not deliveries."""
    return Vehicle.objects.filter(order__isnull=False)


def approved_defeats() -> QuerySet[Defeat]:
    """An approved defeat, credited to the consultant who filed it (the customer's holder then)."""
    return Defeat.objects.filter(status=Defeat.Status.APPROVED)


def deliveries(user: User) -> QuerySet[Vehicle]:
    return scope_to_user(delivered_vehicles(), user, consultant_field=DELIVERY_CONSULTANT)


def approved_defeats_for(user: User) -> QuerySet[Defeat]:
    return scope_to_user(approved_defeats(), user, consultant_field=DEFEAT_CONSULTANT)
