"""Every URL of the project against every role: the menu offers exactly the pages a role may open,
and every page (or action) a role may not use answers 404, whatever the method."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crm_project.navigation import NAV_ENTRIES

pytestmark = pytest.mark.django_db

ROLES = ["reception", "consultant", "showroom_manager", "sales_manager", "administrator"]
# Open to anyone (the login page and its language switch) or to every signed-in user (logging out).
PUBLIC = {"accounts:login", "accounts:logout", "set_language"}


def _project_urls(patterns=None, namespace=""):
    """(url name, route, view) of every URL of the project; the Django admin by its index only."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (pattern.namespace or namespace)
            yield from ((n, str(pattern.pattern) + r, v) for n, r, v in _project_urls(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), str(pattern.pattern), pattern.callback


PROJECT_URLS = [(name, route, view) for name, route, view in _project_urls() if name not in PUBLIC]


def _url(name: str, route: str) -> str:
    """The URL with placeholder arguments: an id no row has, a slug no page knows."""
    kwargs = {arg: (999_999 if kind == "int" else "nothing") for kind, arg in re.findall(r"<(\w+):(\w+)>", route)}
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def people(request, consultant, other_consultant):
    """One user per role (with a consultant in each team, so that every manager's pages have rows)."""
    return {role: request.getfixturevalue(role) for role in ROLES}


def test_every_page_of_the_project_has_a_guard():
    unguarded = [name for name, _route, view in PROJECT_URLS if not hasattr(view, "permission")]
    assert unguarded == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_not_use_answers_404(client, people, role):
    user = people[role]
    client.force_login(user)
    refused = [(name, route) for name, route, view in PROJECT_URLS if not view.permission(user)]
    answers = {name: (client.get(_url(name, route)).status_code, client.post(_url(name, route)).status_code)
               for name, route in refused}
    assert answers == {name: (404, 404) for name, _route in refused}


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_exactly_the_pages_the_role_may_open(client, people, role):
    client.force_login(people[role])
    menu = client.get(reverse("home"), follow=True).context["nav_items"]
    shown = {link["name"] for item in menu for link in item.get("children", [item])}
    opens = {entry.url_name for entry in NAV_ENTRIES if client.get(reverse(entry.url_name)).status_code == 200}
    assert shown == opens
