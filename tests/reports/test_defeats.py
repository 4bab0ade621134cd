from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import defeats_tables

pytestmark = pytest.mark.django_db

URL = reverse("reports:defeats")
RANGE = {"start": "2026-01-01", "end": "2026-03-20"}


def shares(rows):
    return [(r.label, r.count, r.share) for r in rows]


def test_defeats_counted_by_reason_brand_consultant_and_month(login, sales_manager, activity, consultant, teammate, other_consultant):
    analysis = login(sales_manager).get(URL, RANGE).context["analysis"]

    assert analysis.total == 4
    assert shares(analysis.by_reason) == [("价格", 2, 50.0), ("产品", 1, 25.0), ("贷款/金融", 1, 25.0)]
    assert shares(analysis.by_brand) == [("丰田", 2, 50.0), ("(not given)", 1, 25.0), ("比亚迪", 1, 25.0)]
    assert sorted(shares(analysis.by_consultant), key=lambda r: -r[1])[0] == (str(consultant), 2, 50.0)
    assert {r.label: r.count for r in analysis.by_consultant} == {
        str(consultant): 2, str(teammate): 1, str(other_consultant): 1
    }
    assert shares(analysis.by_month) == [("2026-02", 1, 25.0), ("2026-03", 3, 75.0)]


def test_range_limits_the_defeats(login, sales_manager, activity):
    analysis = login(sales_manager).get(URL, {"start": "2026-03-10", "end": "2026-03-10"}).context["analysis"]

    assert analysis.total == 2
    assert shares(analysis.by_month) == [("2026-03", 2, 100.0)]


def test_showroom_manager_sees_their_team_only(login, showroom_manager, activity):
    analysis = login(showroom_manager).get(URL, RANGE).context["analysis"]

    assert analysis.total == 3
    assert shares(analysis.by_reason) == [("价格", 2, 66.7), ("贷款/金融", 1, 33.3)]
    assert "比亚迪" not in [r.label for r in analysis.by_brand]


def test_consultant_sees_only_their_defeats(login, consultant, activity):
    analysis = login(consultant).get(URL, RANGE).context["analysis"]

    assert {r.label: r.count for r in analysis.by_consultant} == {str(consultant): 2}


def test_reception_gets_404(login, reception):
    assert login(reception).get(URL).status_code == 404


def test_end_before_start_reshows_the_form_with_the_error(login, sales_manager, frozen):
    response = login(sales_manager).get(URL, {"start": "2026-03-10", "end": "2026-03-01"})

    assert response.context["analysis"] is None
    assert response.context["form"].errors["end"]
    assert 'value="2026-03-10"' in response.content.decode()


def test_xlsx_holds_the_same_figures(login, sales_manager, activity):
    client = login(sales_manager)
    analysis = client.get(URL, RANGE).context["analysis"]

    book = load_workbook(BytesIO(client.get(URL, {**RANGE, "format": "xlsx"}).content))

    assert len(book.worksheets) == 4
    for sheet, (_title, rows) in zip(book.worksheets, defeats_tables.sections(analysis), strict=True):
        values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert values == [[r.label, r.count, r.share] for r in rows] + [["Total", 4, 100.0]]


def test_chart_data_is_passed_with_json_script(login, sales_manager, activity):
    html = login(sales_manager).get(URL, RANGE).content.decode()

    assert '<script id="defeat-data" type="application/json">' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
