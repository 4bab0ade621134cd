"""The menu: which pages it lists, in which dropdown, and where each role lands after logging in.

Whether an entry shows is not decided here: an entry shows when its page's own guard
(`accounts.permissions.allowed`, kept on the view as `view.permission`) lets the user in, so the
menu can never offer a page that answers 404 nor hide one that opens.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import User


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    group: str = ""  # entries of a group share one dropdown
    count_key: str = ""


REGISTERS, CUSTOMERS, REPORTS, SETTINGS = _("Registers"), _("Customers"), _("Reports"), _("Settings")

NAV_ENTRIES: list[NavEntry] = [
    NavEntry("followups:today", _("Today"), count_key="today"),
    NavEntry("followups:morning", _("Morning meeting")),
    NavEntry("leads:visit_register", _("Visit register"), REGISTERS),
    NavEntry("leads:phone_register", _("Phone register"), REGISTERS),
    NavEntry("leads:duty_roster", _("Duty roster"), REGISTERS),
    NavEntry("leads:customer_list", _("Prospects and customers"), CUSTOMERS),
    NavEntry("leads:customer_create", _("New card"), CUSTOMERS),
    NavEntry("leads:returned_cards", _("Returned cards"), CUSTOMERS),
    NavEntry("owners:owner_list", _("Owners"), CUSTOMERS),
    NavEntry("owners:defeated_list", _("Defeated customers"), CUSTOMERS),
    NavEntry("owners:import_upload", _("Import"), CUSTOMERS),
    NavEntry("leads:signoff_queue", _("Sign-off")),
    NavEntry("leads:defeat_queue", _("Defeat requests")),
    NavEntry("followups:h_list", _("H-grade list")),
    NavEntry("reports:daily", _("Daily activity report"), REPORTS),
    NavEntry("reports:progress", _("Progress control sheet"), REPORTS),
    NavEntry("reports:board", _("Performance board"), REPORTS),
    NavEntry("reports:defeats", _("Defeat analysis"), REPORTS),
    NavEntry("reports:channels", _("Funnel and channels"), REPORTS),
    NavEntry("reports:actual_vs_target", _("Actual vs target"), REPORTS),
    NavEntry("reports:history", _("Current vs history"), REPORTS),
    NavEntry("reports:targets", _("Monthly targets"), REPORTS),
    NavEntry("reports:exports", _("Export log"), REPORTS),
    NavEntry("reports:improvement_actions", _("Improvement actions"), REPORTS),
    NavEntry("reports:plans", _("Success plans"), REPORTS),
    NavEntry("staff:staff_list", _("Staff"), SETTINGS),
    NavEntry("followups:rules", _("Follow-up rules"), SETTINGS),
    NavEntry("owners:milestone_edit", _("Care plan"), SETTINGS),
    NavEntry("leads:code_lists", _("Code lists"), SETTINGS),
    NavEntry("admin:index", _("Administration"), SETTINGS),
]

# Where each role lands after logging in (the administrator gets the shortcuts page).
HOME_BY_ROLE = {
    User.Role.RECEPTION: "leads:visit_register",
    User.Role.CONSULTANT: "followups:today",
    User.Role.SHOWROOM_MANAGER: "followups:morning",
    User.Role.SALES_MANAGER: "followups:morning",
}


@lru_cache(maxsize=None)
def page_permission(url_name: str) -> permissions.Predicate:
    """The guard of the page behind `url_name` (every page of the menu has one)."""
    view = resolve(reverse(url_name)).func
    if hasattr(view, "admin_site"):  # the Django admin, guarded as a whole (crm_project.admin_site)
        return permissions.may_use_admin
    return view.permission


def nav_links(user: User, counts: dict[str, int] | None = None) -> list[dict]:
    """The pages the user may open, in menu order: {url, label, name, count, group}."""
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
        if page_permission(entry.url_name)(user)
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
