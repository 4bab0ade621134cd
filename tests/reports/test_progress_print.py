"""`?print=all`: the progress sheet with every row on one page (the paged sheet prints only its page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django.utils import timezone

from leads.models import Contact
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

URL = reverse("reports:progress")


def prospects(consultant, count: int) -> list:
    """`count` prospects of the consultant (each with its first follow-up planned) and a contact today."""
    customers = [prospect_create(consultant=consultant) for _ in range(count)]
    Contact.objects.bulk_create(
        Contact(customer=c, consultant=consultant, contacted_at=timezone.now(), method=Contact.Method.PHONE,
                content="回访", grade_after=c.grade)
        for c in customers
    )
    return customers


def data_rows(html: str) -> int:
    table = html.split('data-testid="progress-table"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr data-customer=")


def query_count(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_print_all_renders_every_row_with_a_constant_number_of_queries(login, consultant):
    # given 5 prospects, then 60
    client = login(consultant)
    prospects(consultant, 5)
    few, html = query_count(client, print="all")
    assert data_rows(html) == 5
    prospects(consultant, 55)

    # when the sheet is opened to print
    many, html = query_count(client, print="all")

    # then all 60 rows are on the page, no pagination, and the queries did not grow with the rows
    assert data_rows(html) == 60
    assert 'class="pagination' not in html
    assert 'data-testid="print-all-note"' in html and 'data-testid="print-cut-note"' not in html
    assert many == few, f"{few} queries with 5 rows, {many} with 60"


def test_paged_sheet_shows_one_page_and_links_to_the_print_layout(login, consultant):
    prospects(consultant, 60)

    html = login(consultant).get(URL).content.decode()

    assert data_rows(html) == 25
    assert 'data-testid="print-all-link"' in html and "print=all" in html


def test_print_all_is_capped_with_a_note(login, consultant, monkeypatch):
    monkeypatch.setattr("reports.views.PRINT_MAX_ROWS", 50)
    prospects(consultant, 60)

    html = login(consultant).get(URL, {"print": "all"}).content.decode()

    assert data_rows(html) == 50
    assert 'data-testid="print-cut-note"' in html


def test_consultant_prints_only_their_own_sheet(login, consultant, teammate):
    own = prospects(consultant, 3)
    prospects(teammate, 4)
    client = login(consultant)

    response = client.get(URL, {"print": "all"})

    assert [row.customer for row in response.context["sheet"].rows] == sorted(own, key=lambda c: c.pk)
    assert client.get(URL, {"print": "all", "consultant": teammate.pk}).status_code == 404
