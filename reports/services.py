"""Writes of the reports app: the sales manager's monthly targets, and the record of every export.

Who may call them is the views' business (`accounts.permissions.may_set_targets`); a save only ever
touches consultants the writer may see.
"""

from datetime import date

from django.db import transaction

from accounts.models import User
from accounts.visibility import consultants_visible_to
from reports.models import MonthlyTarget, ReportExport
from reports.periods import month_first, previous_month


@transaction.atomic
def monthly_targets_save(*, month: date, targets: dict[int, dict[str, int]], by: User) -> int:
    """Set the targets of a month, per consultant id. Saving the same form twice changes nothing more."""
    month = month_first(month)
    allowed = set(consultants_visible_to(by).filter(pk__in=list(targets)).values_list("pk", flat=True))
    for consultant_id in sorted(allowed):
        figures = {name: targets[consultant_id].get(name) or 0 for name in MonthlyTarget.FIELDS}
        MonthlyTarget.objects.update_or_create(
            consultant_id=consultant_id, month=month, defaults={**figures, "updated_by": by}
        )
    return len(allowed)


@transaction.atomic
def monthly_targets_copy(*, month: date, by: User) -> int:
    """Copy last month's targets into `month` (replacing what is there). Safe to repeat."""
    month = month_first(month)
    source = MonthlyTarget.objects.filter(month=previous_month(month), consultant__is_active=True)
    copied = 0
    for target in source.order_by("consultant_id"):
        MonthlyTarget.objects.update_or_create(
            consultant_id=target.consultant_id,
            month=month,
            defaults={**{name: getattr(target, name) for name in MonthlyTarget.FIELDS}, "updated_by": by},
        )
        copied += 1
    return copied


def export_record(*, user: User, report: str, filename: str, filters: str, rows: int) -> ReportExport:
    """Record a report file handed to `user` (the download and its audit row go together)."""
    return ReportExport.objects.create(
        user=user, report=report, filename=filename[:150], filters=filters[:500], rows=rows
    )
