"""Each report runs a constant number of queries, whether 2 or 12 consultants have a month of activity."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from followups.models import Task
from leads.models import CustomerChange, Defeat
from reports.models import MonthlyTarget
from tests.factories import UserFactory
from tests.reports.conftest import DAY, at, call, change, contact, customer, d, defeat, order, task, visit

pytestmark = pytest.mark.django_db

# Largest number of queries per page: session and user (2), the navigation badge (1), the report's own,
# the session save (3).
REPORTS = [
    ("reports:daily", {"day": DAY.isoformat()}, 14),
    ("reports:daily", {"day": DAY.isoformat(), "format": "xlsx"}, 14),
    ("reports:board", {"month": "2026-03"}, 16),
    ("reports:board", {"month": "2026-03", "format": "xlsx"}, 16),
    ("reports:targets", {"month": "2026-03"}, 8),
    ("reports:defeats", {"start": "2026-01-01", "end": "2026-03-31"}, 11),
    ("reports:defeats", {"start": "2026-01-01", "end": "2026-03-31", "format": "xlsx"}, 11),
    ("reports:channels", {"start": "2026-03-01", "end": "2026-03-31"}, 11),
    ("reports:channels", {"start": "2026-03-01", "end": "2026-03-31", "format": "xlsx"}, 11),
]


def busy_consultants(count, team, codes, by):
    consultants = UserFactory.create_batch(count, role=User.Role.CONSULTANT, team=team)
    for number, person in enumerate(consultants):
        visit(person, DAY, test_drive=True, channel=codes["A"])
        visit(person, d(3, 2), first=False)
        call(person, DAY)
        prospect = customer(person, DAY, grade="H", channel=codes["H"])
        old = customer(person, d(1, 5), grade="O")
        task(prospect, DAY, Task.Status.DONE, at(DAY), kind=Task.Kind.FIRST_CONTACT)
        task(prospect, d(3, 5), Task.Status.OVERDUE)
        contact(prospect, at(DAY))
        order(old, DAY, codes["model"])
        change(old, CustomerChange.Field.STATUS, "ordered", "delivered", at(DAY, 15))
        defeat(customer(person, d(1, 5)), codes["price"], decided=at(DAY), brand=f"品牌{number}")
        MonthlyTarget.objects.create(consultant=person, month=date(2026, 3, 1), sales=5, contacts=50, updated_by=by)
    return consultants


@pytest.mark.parametrize("consultants", [2, 12])
@pytest.mark.parametrize(("url_name", "params", "most"), REPORTS)
def test_report_runs_a_constant_number_of_queries(
    login, sales_manager, team, codes, frozen, consultants, url_name, params, most, django_assert_max_num_queries
):
    busy_consultants(consultants, team, codes, sales_manager)
    client = login(sales_manager)

    with django_assert_max_num_queries(most):
        response = client.get(reverse(url_name), params)

    assert response.status_code == 200
    if "format" not in params:
        report = next(response.context[k] for k in ("report", "board", "analysis", "rows") if response.context.get(k) is not None)
        if url_name == "reports:defeats":
            assert report.total == consultants
        elif url_name == "reports:targets":
            assert len(report) == consultants
        elif url_name == "reports:channels":
            assert report.channel_total.figures["walkins"] == 2 * consultants
        else:
            assert len(report.rows) == consultants
    assert Defeat.objects.count() == consultants
