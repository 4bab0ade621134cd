"""The navigation each role sees. An entry is (url name, label, roles that see it)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User

R = User.Role
MANAGERS = (R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
SALES_STAFF = (R.CONSULTANT, *MANAGERS)
FLOOR_STAFF = (R.RECEPTION, *SALES_STAFF)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: tuple[str, ...]
    group: str = ""  # entries of a group share one dropdown
    count_key: str = ""


REGISTERS, CUSTOMERS, REPORTS, SETTINGS = _("Registers"), _("Customers"), _("Reports"), _("Settings")

NAV_ENTRIES: list[NavEntry] = [
    NavEntry("followups:today", _("Today"), SALES_STAFF, count_key="today"),
    NavEntry("followups:morning", _("Morning meeting"), MANAGERS),
    NavEntry("leads:visit_register", _("Visit register"), FLOOR_STAFF, REGISTERS),
    NavEntry("leads:phone_register", _("Phone register"), FLOOR_STAFF, REGISTERS),
    NavEntry("leads:duty_roster", _("Duty roster"), (R.RECEPTION, *MANAGERS), REGISTERS),
    NavEntry("leads:customer_list", _("Prospects and customers"), SALES_STAFF, CUSTOMERS),
    NavEntry("leads:customer_create", _("New card"), SALES_STAFF, CUSTOMERS),
    NavEntry("leads:returned_cards", _("Returned cards"), (R.CONSULTANT,), CUSTOMERS),
    NavEntry("owners:owner_list", _("Owners"), SALES_STAFF, CUSTOMERS),
    NavEntry("owners:defeated_list", _("Defeated customers"), SALES_STAFF, CUSTOMERS),
    NavEntry("owners:import_upload", _("Import"), MANAGERS, CUSTOMERS),
    NavEntry("leads:signoff_queue", _("Sign-off"), MANAGERS),
    NavEntry("leads:defeat_queue", _("Defeat requests"), MANAGERS),
    NavEntry("followups:h_list", _("H-grade list"), SALES_STAFF),
    NavEntry("reports:daily", _("Daily activity report"), SALES_STAFF, REPORTS),
    NavEntry("reports:progress", _("Progress control sheet"), SALES_STAFF, REPORTS),
    NavEntry("reports:board", _("Performance board"), SALES_STAFF, REPORTS),
    NavEntry("reports:defeats", _("Defeat analysis"), SALES_STAFF, REPORTS),
    NavEntry("reports:channels", _("Funnel and channels"), MANAGERS, REPORTS),
    NavEntry("reports:targets", _("Monthly targets"), (R.SALES_MANAGER, R.ADMINISTRATOR), REPORTS),
    NavEntry("followups:rules", _("Follow-up rules"), (R.SALES_MANAGER, R.ADMINISTRATOR), SETTINGS),
    NavEntry("owners:milestone_edit", _("Care plan"), (R.SALES_MANAGER, R.ADMINISTRATOR), SETTINGS),
    NavEntry("admin:index", _("Administration"), (R.ADMINISTRATOR,), SETTINGS),
]

# Where each role lands after logging in.
HOME_BY_ROLE = {
    R.RECEPTION: "leads:visit_register",
    R.CONSULTANT: "followups:today",
    R.SHOWROOM_MANAGER: "followups:morning",
    R.SALES_MANAGER: "followups:morning",
}


def nav_links(user: User, counts: dict[str, int] | None = None) -> list[dict]:
    """The pages the user's role uses, in menu order: {url, label, name, count, group}."""
    counts = counts or {}
    return [
        {
            "url": reverse(entry.url_name),
            "label": entry.label,
            "name": entry.url_name,
            "count": counts.get(entry.count_key, 0),
            "group": entry.group,
        }
        for entry in NAV_ENTRIES
        if user.role in entry.roles
    ]


def nav_for(user: User, counts: dict[str, int] | None = None) -> list[dict]:
    """The menu: links, and dropdowns {label, children} for grouped entries."""
    menu, dropdowns = [], {}
    for link in nav_links(user, counts):
        if not link["group"]:
            menu.append(link)
            continue
        if link["group"] not in dropdowns:
            dropdowns[link["group"]] = {"label": link["group"], "children": []}
            menu.append(dropdowns[link["group"]])
        dropdowns[link["group"]]["children"].append(link)
    return menu
