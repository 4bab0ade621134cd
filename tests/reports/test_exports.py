"""Report files are for managers (consultants print) and every download is recorded in the export log
(issue 13, item 7): who, when, which report and filters, how many rows; the sales manager and the
administrator read the log."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportExport

pytestmark = pytest.mark.django_db

REPORTS = {
    "daily": {"day": "2026-03-10"},
    "progress": {"month": "2026-03"},
    "board": {"month": "2026-03"},
    "defeats": {"start": "2026-01-01", "end": "2026-03-31"},
    "channels": {"start": "2026-03-01", "end": "2026-03-31"},
    "targets": {"month": "2026-03"},
}
LOG = reverse("reports:exports")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("report", REPORTS)
def test_a_consultants_download_answers_404_and_is_not_offered(login, consultant, report):
    client = login(consultant)
    url = reverse(f"reports:{report}")
    page = client.get(url, REPORTS[report])
    assert page.status_code == 200 and 'data-testid="xlsx-link"' not in page.content.decode()
    assert client.get(url, {**REPORTS[report], "format": "xlsx"}).status_code == 404
    assert not ReportExport.objects.exists()


@pytest.mark.parametrize("report", REPORTS)
def test_a_managers_download_is_recorded_with_its_filters_and_rows(login, sales_manager, consultant, report):
    client = login(sales_manager)
    params = {**REPORTS[report], "format": "xlsx"}
    if report == "progress":
        params["consultant"] = consultant.pk
    response = client.get(reverse(f"reports:{report}"), params)
    assert response.status_code == 200

    export = ReportExport.objects.get()
    book = load_workbook(BytesIO(response.content))
    filename = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert (export.user, export.report, export.filename) == (sales_manager, report, filename)
    assert "format" not in export.filters and all(f"{key}=" in export.filters for key in params if key != "format")
    # The rows counted are the data rows of every sheet (the header rows not included).
    assert 0 <= export.rows <= sum(sheet.max_row for sheet in book.worksheets)


def test_the_rows_counted_are_the_sheets_data_rows(login, sales_manager, consultant, teammate):
    login(sales_manager).get(reverse("reports:targets"), {"month": "2026-03", "format": "xlsx"})
    # One row per consultant the sales manager sees (alice, amy).
    assert ReportExport.objects.get().rows == 2


def test_the_export_log_lists_every_download_newest_first(login, sales_manager, showroom_manager, administrator):
    login(showroom_manager).get(reverse("reports:daily"), {"day": "2026-03-10", "format": "xlsx"})
    login(sales_manager).get(reverse("reports:board"), {"month": "2026-03", "format": "xlsx"})

    for reader in (sales_manager, administrator):
        page = login(reader).get(LOG)
        assert page.status_code == 200
        rows = [(e.user, e.report) for e in page.context["page"]]
        assert rows == [(sales_manager, "board"), (showroom_manager, "daily")]
        content = page.content.decode()
        assert "Performance board" in content and "Daily activity report" in content
        assert "Month：2026-03" in content and "Day：2026-03-10" in content


@pytest.mark.parametrize("who", ["consultant", "showroom_manager", "reception"])
def test_the_export_log_is_for_the_sales_manager_and_the_administrator(login, request, who):
    assert login(request.getfixturevalue(who)).get(LOG).status_code == 404


def test_the_export_log_is_empty_at_first_and_paginated(login, sales_manager, settings):
    client = login(sales_manager)
    assert "No report has been downloaded yet." in client.get(LOG).content.decode()
    ReportExport.objects.bulk_create(
        ReportExport(user=sales_manager, report="daily", filename=f"d{i}.xlsx", rows=i) for i in range(settings.PAGE_SIZE + 3)
    )
    assert len(client.get(LOG).context["page"]) == settings.PAGE_SIZE
    assert len(client.get(LOG, {"page": 2}).context["page"]) == 3


@pytest.mark.parametrize("rows", [5, 60])
def test_the_export_log_runs_a_constant_number_of_queries(login, sales_manager, rows, django_assert_max_num_queries):
    ReportExport.objects.bulk_create(
        ReportExport(user=sales_manager, report="board", filename=f"b{i}.xlsx", rows=i) for i in range(rows)
    )
    client = login(sales_manager)
    # session, user, count, page rows with their users, the menu badges, the session save (3)
    with django_assert_max_num_queries(9):
        assert client.get(LOG).status_code == 200
