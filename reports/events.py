"""The events several reports count, each defined once and scoped to what the user may see."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.visibility import scope_to_user
from leads.models import Defeat
from owners.models import Vehicle


def deliveries(user: User) -> QuerySet[Vehicle]:
    """A delivery is a car this dealership sold handed over: a vehicle recorded against an order
    (`owners.services.delivery_record`), on its delivery date, credited to the consultant of the
    order. Owners added by hand or imported have vehicles without an order: they are not deliveries."""
    return scope_to_user(
        Vehicle.objects.filter(order__isnull=False), user, consultant_field="order__consultant"
    )


def approved_defeats(user: User) -> QuerySet[Defeat]:
    defeats = Defeat.objects.filter(status=Defeat.Status.APPROVED)
    return scope_to_user(defeats, user, consultant_field="customer__consultant")
