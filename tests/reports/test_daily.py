from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import daily_tables
from reports.daily_tables import DAILY_COLUMNS
from tests.reports.conftest import DAY

pytestmark = pytest.mark.django_db

URL = reverse("reports:daily")
KEYS = [c.key for c in DAILY_COLUMNS]

# (day, month to date) per column, in DAILY_COLUMNS order.
ALICE = {
    "first_visits": (2, 3), "return_visits": (1, 2), "phone_ins": (1, 3),
    # Total contacts: on the day 2 logged + 3 visits + 1 phone-in (its contact counted once, as the call);
    # month to date 3 logged + 5 visits + 3 phone-ins.
    "contacts": (6, 11),
    "new_prospects": (2, 4), "new_prospects_O": (0, 0), "new_prospects_H": (1, 1), "new_prospects_A": (0, 0),
    "new_prospects_B": (1, 1), "new_prospects_C": (0, 1), "new_prospects_N": (0, 1),
    "followups_done": (2, 3), "followups_due": (2, 5), "followups_overdue": (3, None),
    "test_drives": (1, 2), "orders": (1, 2), "cancellations": (0, 0), "deliveries": (1, 1), "defeats": (1, 2),
}
AMY = dict.fromkeys(KEYS, (0, 0)) | {
    "first_visits": (1, 1), "return_visits": (0, 1), "contacts": (1, 2), "new_prospects": (1, 1), "new_prospects_H": (1, 1),
    "test_drives": (0, 1), "orders": (0, 1), "followups_overdue": (0, None),
}
CHARLIE = dict.fromkeys(KEYS, (0, 0)) | {
    "first_visits": (3, 3), "contacts": (3, 3), "new_prospects": (1, 1), "new_prospects_A": (1, 1), "orders": (1, 1),
    "defeats": (1, 1),
    "followups_overdue": (0, None),
}


def figures(row):
    return {key: (row.day[key], row.mtd[key]) for key in KEYS}


def add(*rows):
    return {
        key: (sum(r[key][0] for r in rows), None if rows[0][key][1] is None else sum(r[key][1] for r in rows))
        for key in KEYS
    }


def page_cells(expected):
    cells = []
    for key in KEYS:
        day, mtd = expected[key]
        cells += [str(day), "–" if mtd is None else str(mtd)]
    return cells


def test_sales_manager_sees_every_consultant_with_exact_day_and_month_figures(login, sales_manager, activity, consultant, teammate, other_consultant):
    response = login(sales_manager).get(URL, {"day": DAY.isoformat()})

    report = response.context["report"]
    by_user = {row.consultant: figures(row) for row in report.rows}
    assert by_user == {consultant: ALICE, teammate: AMY, other_consultant: CHARLIE}
    assert figures(report.total) == add(ALICE, AMY, CHARLIE)


def test_page_shows_the_same_cells_as_the_report(login, sales_manager, activity, consultant, rows_of):
    response = login(sales_manager).get(URL, {"day": DAY.isoformat()})

    rows = rows_of(response.content.decode(), "daily-table")
    assert rows[str(consultant.pk)][1:] == page_cells(ALICE)
    assert rows["total"][1:] == page_cells(add(ALICE, AMY, CHARLIE))


def test_showroom_manager_sees_their_team_only_and_totals_add_up(login, showroom_manager, activity, consultant, teammate):
    report = login(showroom_manager).get(URL, {"day": DAY.isoformat()}).context["report"]

    assert {row.consultant for row in report.rows} == {consultant, teammate}
    assert figures(report.total) == add(ALICE, AMY)


def test_consultant_sees_only_their_own_row(login, consultant, activity):
    report = login(consultant).get(URL, {"day": DAY.isoformat()}).context["report"]

    assert [row.consultant for row in report.rows] == [consultant]
    assert figures(report.total) == ALICE


def test_other_teams_manager_does_not_see_alice(login, other_manager, activity, other_consultant, consultant, rows_of):
    response = login(other_manager).get(URL, {"day": DAY.isoformat()})

    assert [row.consultant for row in response.context["report"].rows] == [other_consultant]
    assert str(consultant.pk) not in rows_of(response.content.decode(), "daily-table")


def test_reception_gets_404(login, reception, activity):
    assert login(reception).get(URL).status_code == 404


def test_xlsx_holds_the_same_figures_as_the_page(login, sales_manager, activity, consultant):
    client = login(sales_manager)
    page = client.get(URL, {"day": DAY.isoformat()}).context["report"]

    response = client.get(URL, {"day": DAY.isoformat(), "format": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    expected = []
    for row in [*page.rows, page.total]:
        line = [row.label]
        for day, mtd in daily_tables.cells(row):
            line += [day, mtd]
        expected.append(line)
    assert values == expected
    alice_line = next(v for v in values if v[0] == str(consultant))
    assert alice_line[1:] == [v for key in KEYS for v in ALICE[key]]


def test_day_defaults_to_today_and_bad_day_shows_the_error(login, sales_manager, frozen):
    client = login(sales_manager)

    assert client.get(URL).context["report"].day == frozen.date()
    response = client.get(URL, {"day": "2026-02-31"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["day"]
    assert 'value="2026-02-31"' in response.content.decode()


def test_page_renders_in_chinese_by_default(login, sales_manager, activity, client, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    response = login(sales_manager).get(URL, {"day": DAY.isoformat()})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def test_page_offers_print_and_xlsx_download(login, sales_manager, activity):
    html = login(sales_manager).get(URL, {"day": DAY.isoformat()}).content.decode()

    assert 'href="?day=2026-03-10&amp;format=xlsx"' in html
    assert "window.print()" in html
    assert "css/print-reports.css" in html


@pytest.mark.parametrize("url_name, params", [
    ("reports:daily", {"day": DAY.isoformat()}), ("reports:board", {"month": "2026-03"}),
    ("reports:actual_vs_target", {"day": DAY.isoformat()}),
])
def test_a_report_file_in_the_chinese_interface_has_chinese_headers(login, sales_manager, activity, settings, url_name, params):
    import re

    client = login(sales_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    book = load_workbook(BytesIO(client.get(reverse(url_name), {**params, "format": "xlsx"}).content))
    headers = [str(cell.value) for row in book.worksheets[0].iter_rows(min_row=2, max_row=2) for cell in row if cell.value]
    assert headers and not [h for h in headers if re.search(r"[A-Za-z]{3,}", h)], headers
