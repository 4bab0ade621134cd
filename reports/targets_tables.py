"""How the monthly targets are labelled (page, form, board) and laid out in their `.xlsx` sheet."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from reports.models import MonthlyTarget
from reports.xlsx import Sheet

# The labels of MonthlyTarget.FIELDS.
TARGET_LABELS = {
    "contacts": gettext_lazy("Total contacts"),
    "prospecting": gettext_lazy("Prospecting"),
    "return_visits": gettext_lazy("Return visits"),
    "test_drives": gettext_lazy("Test drives"),
    "sales": gettext_lazy("Sales"),
}


def sheets(month: date, rows: list[tuple[User, MonthlyTarget | None]]) -> list[Sheet]:
    headers = [_("Consultant"), *[str(TARGET_LABELS[name]) for name in MonthlyTarget.FIELDS]]
    body = [[str(c), *[getattr(t, name) if t else None for name in MonthlyTarget.FIELDS]] for c, t in rows]
    return [(_("Targets"), [[_("Monthly targets %(month)s") % {"month": f"{month:%Y-%m}"}], headers], body)]
