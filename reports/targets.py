"""The monthly targets the sales manager sets (五大目标), as the targets page and the board read them."""

from datetime import date

from accounts.models import User
from accounts.visibility import scope_to_user
from reports.grouping import consultant_rows
from reports.models import MonthlyTarget
from reports.periods import month_first


def targets_for_month(*, user: User, month: date) -> list[tuple[User, MonthlyTarget | None]]:
    """Each active consultant the user may see, with their target for the month (or None)."""
    targets = {t.consultant_id: t for t in scope_to_user(MonthlyTarget.objects.filter(month=month_first(month)), user)}
    return [(c, targets.get(c.pk)) for c in consultant_rows(user, targets.keys())]
