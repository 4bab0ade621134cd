"""The weekly meeting's figure pages (issue 13, item 5): actual vs target (week and month to date, per
consultant, team and total) and the current month against last month and the same month last year.
They read the same figures as the daily report and the board (reports.figures)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.daily import daily_activity
from reports.models import ReportExport
from tests.reports.conftest import DAY

pytestmark = pytest.mark.django_db

TARGETS = reverse("reports:actual_vs_target")
HISTORY = reverse("reports:history")
ON_DAY = {"day": DAY.isoformat()}  # Tuesday 10 March 2026: the week is 9–10 March
FIVE = ("contacts", "prospecting", "return_visits", "test_drives", "sales")


def _daily_figure(row, name: str, part: str) -> int:
    if name == "sales":
        return getattr(row, part)["orders"] - getattr(row, part)["cancellations"]
    if name == "prospecting":
        return None  # not a daily column
    return getattr(row, part)[name]


def test_actual_vs_target_matches_the_daily_report_and_the_targets(login, sales_manager, targets, consultant, teammate):
    report = login(sales_manager).get(TARGETS, ON_DAY).context["report"]
    rows = {row.consultant: row for row in report.rows if row.consultant}
    days = {day: {r.consultant: r for r in daily_activity(user=sales_manager, day=day).rows} for day in (DAY - timedelta(days=1), DAY)}

    alice = rows[consultant].figures
    assert {name: alice[name].target for name in FIVE} == {"contacts": 10, "prospecting": 2, "return_visits": 4, "test_drives": 4, "sales": 4}
    # By now: the target pro rata of 10 of March's 31 days.
    assert (alice["contacts"].due_by_now, alice["sales"].due_by_now) == (3, 1)
    for name in ("contacts", "return_visits", "test_drives", "sales"):
        assert alice[name].mtd == _daily_figure(days[DAY][consultant], name, "mtd")
        assert alice[name].week == sum(_daily_figure(days[day][consultant], name, "day") for day in days)
    assert alice["prospecting"].mtd == 1  # the card made by a prospecting call on 2 March
    assert alice["contacts"].mtd == 11 and not alice["contacts"].behind
    assert rows[teammate].figures["sales"].mtd == 1 and rows[teammate].figures["contacts"].target == 5


def test_teams_get_a_subtotal_and_the_total_adds_the_consultants(login, sales_manager, targets, consultant, teammate, other_consultant):
    report = login(sales_manager).get(TARGETS, ON_DAY).context["report"]
    assert [row.label for row in report.rows if row.is_team] == ["Team A", "Team B"]
    # Each team's consultants, then its subtotal (names sort within the team).
    assert {row.consultant for row in report.rows[:2]} == {consultant, teammate} and report.rows[2].is_team
    assert report.rows[3].consultant == other_consultant and report.rows[4].is_team
    people = [row for row in report.rows if row.consultant]
    for name in FIVE:
        assert report.total.figures[name].mtd == sum(row.figures[name].mtd for row in people)
    team_a = report.rows[2].figures
    assert team_a["contacts"].target == 15 and team_a["contacts"].mtd == 11 + 2


def test_a_consultant_sees_their_own_row_and_a_manager_their_team(login, consultant, showroom_manager, teammate, targets):
    mine = login(consultant).get(TARGETS, ON_DAY).context["report"]
    assert [row.consultant for row in mine.rows] == [consultant]
    team = login(showroom_manager).get(TARGETS, ON_DAY).context["report"]
    assert len(team.rows) == 2 and {row.consultant for row in team.rows} == {consultant, teammate}  # one team: no subtotal


def test_behind_the_target_is_marked(login, sales_manager, targets, consultant):
    html = login(sales_manager).get(TARGETS, {"day": "2026-03-31"}).content.decode()
    report_row = html.split(f'data-row="{consultant.pk}"', 1)[1].split("</tr>", 1)[0]
    # By the 31st alice should have the whole month's targets: return visits 2 of 4 is behind.
    assert "text-danger" in report_row


def test_current_vs_history_compares_the_same_days(login, sales_manager, activity, consultant):
    history = login(sales_manager).get(HISTORY, ON_DAY).context["history"]
    assert history.periods == {
        "current": (date(2026, 3, 1), DAY), "last_month": (date(2026, 2, 1), date(2026, 2, 10)),
        "last_year": (date(2025, 3, 1), date(2025, 3, 10)),
    }
    rows = {row.name: row for row in history.rows}
    total = daily_activity(user=sales_manager, day=DAY).total.mtd
    assert rows["contacts"].current == total["contacts"] and rows["orders"].current == total["orders"]
    # 1–10 February: old3's order of the 10th; nothing a year before.
    assert (rows["orders"].last_month, rows["sales"].last_month, rows["orders"].last_year) == (1, 1, 0)
    assert rows["orders"].vs_last_month == 300 and rows["orders"].vs_last_year is None


def test_history_of_a_31st_compares_with_the_whole_of_february(login, sales_manager, activity):
    history = login(sales_manager).get(HISTORY, {"day": "2026-03-31"}).context["history"]
    assert history.periods["last_month"] == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize("url", [TARGETS, HISTORY])
def test_print_and_xlsx_for_managers_and_a_consultant_gets_404_on_the_file(login, sales_manager, consultant, activity, url):
    manager = login(sales_manager)
    page = manager.get(url, ON_DAY).content.decode()
    assert 'data-testid="xlsx-link"' in page and "window.print()" in page
    book = load_workbook(BytesIO(manager.get(url, {**ON_DAY, "format": "xlsx"}).content))
    assert book.worksheets[0].max_row > 3
    assert ReportExport.objects.filter(user=sales_manager).count() == 1
    assert login(consultant).get(url, {**ON_DAY, "format": "xlsx"}).status_code == 404


@pytest.mark.parametrize("url", [TARGETS, HISTORY])
def test_reception_gets_404(login, reception, url):
    assert login(reception).get(url).status_code == 404


@pytest.mark.parametrize("url", [TARGETS, HISTORY])
def test_a_bad_day_gets_the_picker_back_with_an_error(login, sales_manager, url):
    response = login(sales_manager).get(url, {"day": "0001-01-01"})
    assert response.status_code == 200 and response.context["form"].errors


def test_the_weekly_page_and_the_board_show_the_same_month(login, sales_manager, targets, consultant, teammate):
    from reports.board import performance_board

    weekly = login(sales_manager).get(TARGETS, {"day": "2026-03-31"}).context["report"]
    board = {row.consultant: row for row in performance_board(user=sales_manager, month=date(2026, 3, 1)).rows}
    for row in (r for r in weekly.rows if r.consultant):
        for name in FIVE:
            assert row.figures[name].mtd == board[row.consultant].figures[name].actual
            assert row.figures[name].target == board[row.consultant].figures[name].target
