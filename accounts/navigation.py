"""The navigation each role sees. An entry is (url name, label, roles that see it)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

R = User.Role
MANAGERS = (R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
SALES_STAFF = (R.CONSULTANT, *MANAGERS)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: tuple[str, ...]


NAV_ENTRIES: list[NavEntry] = [
    NavEntry("home", _("Home"), tuple(R.values)),
]


def nav_for(user: User) -> list[dict]:
    return [
        {"url": reverse(entry.url_name), "label": entry.label, "name": entry.url_name}
        for entry in NAV_ENTRIES
        if user.role in entry.roles
    ]
