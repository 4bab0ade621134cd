from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook


pytestmark = pytest.mark.django_db

URL = reverse("reports:board")
MARCH = {"month": "2026-03"}


def figures(row):
    return {k: (f.target, f.actual, f.percent) for k, f in row.figures.items()}


# Total contacts: logged contacts + parties received + phone-ins (reports.figures); alice 3 + 5 + 3.
ALICE = {
    "contacts": (10, 11, 110), "prospecting": (2, 1, 50), "return_visits": (4, 2, 50),
    "test_drives": (4, 2, 50), "sales": (4, 2, 50),
}
AMY = {
    "contacts": (5, 3, 60), "prospecting": (0, 0, None), "return_visits": (0, 1, None),
    "test_drives": (0, 1, None), "sales": (2, 1, 50),
}
CHARLIE = {
    "contacts": (0, 5, None), "prospecting": (0, 0, None), "return_visits": (0, 0, None),
    "test_drives": (0, 0, None), "sales": (0, 1, None),
}


def test_board_shows_target_actual_percent_rank_and_conversion(login, sales_manager, targets, consultant, teammate, other_consultant):
    board = login(sales_manager).get(URL, MARCH).context["board"]

    assert [(row.consultant, row.rank) for row in board.rows] == [(consultant, 1), (other_consultant, 2), (teammate, 3)]
    by_user = {row.consultant: row for row in board.rows}
    assert figures(by_user[consultant]) == ALICE
    assert figures(by_user[teammate]) == AMY
    assert figures(by_user[other_consultant]) == CHARLIE
    # Of alice's three first visits one left a card (the hot walk-in); the others were never completed.
    assert by_user[consultant].funnel == {"first_visits": 3, "walk_ins_with_card": 1, "orders": 2, "deliveries": 2}
    # The cohort: March's new prospects (prospected, imported, hot, regraded); none has ordered yet.
    assert by_user[consultant].cohort == {"new_prospects": 4, "ordered": 0, "delivered": 0}
    assert by_user[consultant].rates == {"first_visit_to_card": 33, "prospect_to_order": 0, "order_to_delivery": None}
    assert by_user[teammate].funnel == {"first_visits": 1, "walk_ins_with_card": 0, "orders": 1, "deliveries": 0}
    assert by_user[other_consultant].funnel == {"first_visits": 3, "walk_ins_with_card": 0, "orders": 1, "deliveries": 0}
    assert figures(board.total) == {
        "contacts": (15, 19, 127), "prospecting": (2, 1, 50), "return_visits": (4, 3, 75),
        "test_drives": (4, 3, 75), "sales": (6, 4, 67),
    }
    assert board.total.funnel == {"first_visits": 7, "walk_ins_with_card": 1, "orders": 4, "deliveries": 2}
    assert board.total.cohort == {"new_prospects": 6, "ordered": 0, "delivered": 0}


def test_equal_sales_and_contacts_share_a_rank(login, sales_manager, frozen, consultant, teammate):
    board = login(sales_manager).get(URL, MARCH).context["board"]

    assert [row.rank for row in board.rows] == [1, 1]


def test_six_month_trend_of_the_five_targets(login, sales_manager, targets):
    board = login(sales_manager).get(URL, MARCH).context["board"]
    trend = board.trend

    assert trend["months"] == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    # January: the regulars' three visits; February: lost1's contact and a visit, two orders.
    assert trend["contacts"] == [0, 0, 0, 3, 2, 19]
    assert trend["sales"] == [0, 0, 0, 0, 2, 4]
    # This month's point is the total row.
    assert {key: trend[key][-1] for key in ALICE} == {key: f.actual for key, f in board.total.figures.items()}


def test_charts_use_the_vendored_chartjs_and_json_script(login, sales_manager, targets):
    html = login(sales_manager).get(URL, MARCH).content.decode()

    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert '<script id="board-data" type="application/json">' in html
    assert "cdn" not in html.lower()


def test_showroom_manager_sees_team_only(login, showroom_manager, targets, consultant, teammate):
    board = login(showroom_manager).get(URL, MARCH).context["board"]

    assert {row.consultant for row in board.rows} == {consultant, teammate}
    assert figures(board.total)["sales"] == (6, 3, 50)


def test_a_consultant_sees_the_whole_team_board_figures_only(login, consultant, teammate, targets, other_consultant):
    response = login(consultant).get(URL, MARCH)
    board = response.context["board"]

    assert {row.consultant for row in board.rows} == {consultant, teammate}  # the team board (看板), no other team
    by_user = {row.consultant: row for row in board.rows}
    assert figures(by_user[consultant]) == ALICE and figures(by_user[teammate]) == AMY
    assert [row.rank for row in board.rows] == [1, 2]
    # Figures only: no customer's name on the page.
    from leads.models import Customer

    html = response.content.decode()
    assert not any(name in html for name in Customer.objects.values_list("name", flat=True))


def test_the_five_targets_are_defined_on_the_board(login, sales_manager, targets):
    html = login(sales_manager).get(URL, MARCH).content.decode()

    assert 'data-testid="board-definitions"' in html
    assert "Every contact with a customer" in html and "less orders cancelled" in html
    assert "home visits, DM letters" in html and "S on the visit register" in html


def test_reception_gets_404(login, reception):
    assert login(reception).get(URL).status_code == 404


def test_page_and_xlsx_show_the_same_figures(login, sales_manager, targets, consultant, rows_of):
    client = login(sales_manager)
    response = client.get(URL, MARCH)
    board = response.context["board"]
    cells = rows_of(response.content.decode(), "board-table")[str(consultant.pk)]
    assert cells[:5] == ["1", str(consultant), "10", "11", "110%"]

    book = load_workbook(BytesIO(client.get(URL, {**MARCH, "format": "xlsx"}).content))

    rows = [list(r) for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert rows[0][:5] == [1, str(consultant), 10, 11, 110]
    assert len(rows) == len(board.rows) + 1
    total = rows[-1]
    assert total[2:17] == [15, 19, 127, 2, 1, 50, 4, 3, 75, 4, 3, 75, 6, 4, 67]
    assert total[17:24] == [7, 1, 4, 2, 6, 0, 0]
    trend = [list(r) for r in book.worksheets[1].iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in trend] == board.trend["months"] and [r[1] for r in trend] == board.trend["contacts"]
    assert [r[5] for r in trend] == board.trend["sales"]
