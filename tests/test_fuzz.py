"""Hostile and clumsy input on every page: no value a user can send answers 500 or half-writes a row.

For every role, every URL of the project is requested with each payload in every query parameter its
page reads, and every form the page shows is posted with each payload in every field. Objects the
URLs point to exist (a customer of each status, a register row, a defeat request, a rule set …), so
the requests reach the code behind the guards.
"""

import re
from datetime import date, time
from html.parser import HTMLParser

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from followups.models import RuleSet, Task
from leads import register_services
from leads.models import Customer, DefeatReason, Visit
from leads.services import defeat_file
from tests.accounts.test_permission_walk import PROJECT_URLS
from tests.factories import prospect_create
from tests.owners.conftest import defeated, delivered

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

PAYLOADS = [
    "", "x" * 10_000, "a\x00b", "😀🚗", "\u202etxet", "<script>alert(1)</script>", "' OR 1=1 --",
    "0001-01-01", "9999-12-31", "-1", str(2**63), "999999", "2026-13-45", "1e309", "../../etc/passwd",
]
QUERY_KEYS = [
    "page", "day", "month", "week", "start", "end", "consultant", "grade", "status", "channel", "q", "format",
    "next", "from_user", "customer", "selected", "scope", "set", "reason", "brand", "source", "vip", "overdue",
    "phone",
]
# The menu's forms on every page: logging out and switching the language end or change the session.
SKIPPED_ACTIONS = {reverse("accounts:logout"), reverse("set_language")}
ROLES = ["reception", "consultant", "showroom_manager", "sales_manager", "administrator"]


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: a sensible value})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self.forms[-1][1].setdefault(attrs["name"], attrs.get("value") or "")


def _forms_of(html: str, default_action: str) -> list[tuple[str, dict]]:
    parser = _Forms()
    parser.feed(html)
    return [(action or default_action, fields) for action, fields in parser.forms]


@pytest.fixture
def world(consultant, showroom_manager, sales_manager, reception, administrator, other_consultant):
    """A customer of each status, a register row, a defeat request: their ids fill the routes' <int:…>."""
    defeated(consultant, showroom_manager)
    delivered(consultant)
    prospect_create(consultant=consultant, grade="H")
    defeat_file(customer=prospect_create(consultant=consultant), by=consultant, fields={
        "reason": DefeatReason.objects.first(), "analysis": "价格"})
    register_services.visit_add(by=reception, visit_date=date.today(), arrived_at=time(9), consultant=consultant)


def _ids_for(route: str) -> list[dict]:
    """Every way to fill the route: each existing object of the kinds it could point to."""
    names = re.findall(r"<(\w+):(\w+)>", route)
    if not names:
        return [{}]
    ids = sorted({*Customer.objects.values_list("pk", flat=True), *Visit.objects.values_list("pk", flat=True),
                  *RuleSet.objects.values_list("pk", flat=True), *Task.objects.values_list("pk", flat=True)[:3]})
    kinds = {"kind": ["vehicle", "insurance", "maintenance", "accessory", "referral"]}
    fills = []
    for value in ids[:12]:
        fill = {}
        for kind, name in names:
            fill[name] = kinds.get(name, ["x"])[value % 5] if kind == "slug" else value
        fills.append(fill)
    return fills


def _assert_consistent():
    """Nothing half-written: each customer has at most one open follow-up task, every completed
    register row is attached to a customer."""
    doubled = Customer.objects.annotate(
        open_tasks=Count("tasks", filter=Q(tasks__kind__in=Task.PROSPECT_KINDS, tasks__status__in=Task.PENDING))
    ).filter(open_tasks__gt=1)
    assert not doubled.exists()
    assert not Visit.objects.filter(completed_at__isnull=False, customer__isnull=True).exists()


def _urls():
    """Every URL of the project, with up to three fillings of its ids."""
    for name, route, _view in PROJECT_URLS:
        for kwargs in _ids_for(route)[:3]:
            yield reverse(name, kwargs=kwargs)


@pytest.fixture
def client_of(request, world):
    def _client(role: str) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(request.getfixturevalue(role))
        return client

    return _client


@pytest.mark.parametrize("role", ROLES)
def test_no_query_value_breaks_a_page(client_of, role):
    client = client_of(role)
    errors = [
        (url, payload[:20])
        for url in _urls()
        for payload in PAYLOADS
        if client.get(url, {key: payload for key in QUERY_KEYS}).status_code >= 500
    ]
    assert errors == []
    _assert_consistent()


@pytest.mark.parametrize("role", ROLES)
def test_no_posted_value_breaks_a_form(client_of, role):
    client = client_of(role)
    errors = []
    for url in _urls():
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for action, fields in _forms_of(page.content.decode(), url):
            if action in SKIPPED_ACTIONS:
                continue
            for payload in PAYLOADS:
                data = {field: (value if field == "csrfmiddlewaretoken" else payload) for field, value in fields.items()}
                if client.post(action, data).status_code >= 500:
                    errors.append((action, payload[:20]))
    assert errors == []
    _assert_consistent()
