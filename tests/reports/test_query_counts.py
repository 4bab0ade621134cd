"""Each report runs a fixed number of queries, whether 2 or 12 consultants have a month of activity.

The report's own queries are a design decision (one grouped query per source table), so they are
counted exactly, each named; the page around them (session, user, menu badges) is held to a ceiling.
A count that does not match prints the SQL with `-v`.
"""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from leads.models import Defeat
from reports import board_tables, channels_tables, daily_tables, defeats_tables, progress_tables, targets_tables
from reports.board import performance_board
from reports.channels import channel_report
from reports.daily import daily_activity
from reports.defeats import defeat_analysis
from reports.progress import progress_prospects, progress_sheet
from reports.services import monthly_targets_save
from reports.targets import targets_for_month
from tests.factories import UserFactory
from tests.reports.conftest import DAY, at, call, contact, customer, d, defeat, deliver, order, visit, walk_in

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def busy_consultants(count, team, codes, by):
    """Per consultant: a repeat visit, a completed walk-in (H card, test drive), a phone-in, a contact,
    an order, a delivery and an approved defeat, and the month's targets."""
    consultants = UserFactory.create_batch(count, role=User.Role.CONSULTANT, team=team)
    known = {person: (customer(person, d(1, 5)), customer(person, d(1, 5))) for person in consultants}
    for person, (old, _lost) in known.items():
        visit(person, d(3, 2), phone=old.phone)
    for number, (person, (old, lost)) in enumerate(known.items()):
        prospect = walk_in(person, DAY, grade="H", channel=codes["H"], test_drive=True)
        call(person, DAY, old)
        contact(prospect, at(DAY, 11))
        order(old, DAY, codes["model"])
        deliver(old, DAY, codes["model"])
        defeat(lost, codes["price"], filed=at(DAY, 9), decided=at(DAY, 15), by=by, brand=f"品牌{number}")
    monthly_targets_save(month=MARCH, targets={p.pk: {"sales": 5, "contacts": 50} for p in consultants}, by=by)
    return consultants


@pytest.fixture(params=[2, 12], ids=["2 consultants", "12 consultants"])
def busy(request, team, codes, cadences, frozen, sales_manager):
    return busy_consultants(request.param, team, codes, sales_manager)


def test_daily_report_runs_eleven_queries(busy, sales_manager, django_assert_num_queries):
    with django_assert_num_queries(11):
        # one grouped query per source table of reports.figures, on the day and to date per consultant:
        # 1 logged contacts, 2 visits, 3 phone-ins, 4 new prospects, 5 test drives, 6 orders,
        # 7 cancellations, 8 deliveries, 9 approved defeats;
        # 10 follow-up tasks done, due and overdue per assignee; 11 the rows: the consultants the user may see
        report = daily_activity(user=sales_manager, day=DAY)
        daily_tables.table(report), daily_tables.sheets(report)

    assert len(report.rows) == len(busy)


def test_performance_board_runs_eleven_queries(busy, sales_manager, django_assert_num_queries):
    with django_assert_num_queries(11):
        # 1 the month's targets per consultant
        # 2 logged contacts, 3 visits, 4 phone-ins, 5 new prospects, 6 test drives, 7 orders,
        # 8 cancellations, 9 deliveries: per consultant, this month and the five before (the trend)
        # 10 the month's cohort of new prospects, ordered and delivered since; 11 the rows
        board = performance_board(user=sales_manager, month=MARCH)
        board_tables.chart_data(board), board_tables.sheets(board)

    assert len(board.rows) == len(busy)


def test_targets_run_two_queries(busy, sales_manager, django_assert_num_queries):
    with django_assert_num_queries(2):
        # 1 the month's targets, 2 the rows: the consultants the user may see
        rows = targets_for_month(user=sales_manager, month=MARCH)
        targets_tables.sheets(MARCH, rows)

    assert len(rows) == len(busy)


def test_defeat_analysis_runs_five_queries(busy, sales_manager, django_assert_num_queries):
    with django_assert_num_queries(5):
        # approved defeats decided in the range, counted 1 by reason, 2 by brand, 3 by consultant,
        # 5 by month; 4 the names of those consultants
        analysis = defeat_analysis(user=sales_manager, start=date(2026, 1, 1), end=date(2026, 3, 31))
        defeats_tables.sections(analysis), defeats_tables.chart_data(analysis), defeats_tables.sheets(analysis)

    assert analysis.total == len(busy) == Defeat.objects.count()


def test_channel_report_runs_five_queries(busy, sales_manager, django_assert_num_queries):
    with django_assert_num_queries(5):
        # per (channel, intake): 1 visits, 2 new prospects, 3 orders, 4 deliveries; 5 the channel list
        report = channel_report(user=sales_manager, start=MARCH, end=date(2026, 3, 31))
        channels_tables.sheets(report)

    assert report.channel_total.figures["visits"] == 2 * len(busy)


def test_progress_sheet_runs_three_queries(busy, sales_manager, django_assert_num_queries):
    consultant = busy[0]
    with django_assert_num_queries(3):
        # 1 the consultant's open prospects (with model and channel), 2 their tasks due in the month,
        # 3 their contact days in the month
        sheet = progress_sheet(
            consultant=consultant, month=MARCH, customers=list(progress_prospects(user=sales_manager, consultant=consultant))
        )
        progress_tables.sheets(sheet)

    assert len(sheet.rows) == 1


# Around a report's own queries, every page runs the session and user (2), the session save (3:
# savepoint, update, release) and, when it renders the menu, its badge counts (1); an .xlsx has no menu
# but its row in the export log (1).
FRAME, MENU, EXPORT_ROW = 5, 1, 1
PAGES = [
    ("reports:daily", {"day": DAY.isoformat()}, 11),
    ("reports:board", {"month": "2026-03"}, 11),
    ("reports:targets", {"month": "2026-03"}, 2),
    ("reports:defeats", {"start": "2026-01-01", "end": "2026-03-31"}, 5),
    ("reports:channels", {"start": "2026-03-01", "end": "2026-03-31"}, 5),
    # targets, 7 sources of the five targets (week and month to date), the rows
    ("reports:actual_vs_target", {"day": DAY.isoformat()}, 9),
    # 9 sources (three periods at once), the rows
    ("reports:history", {"day": DAY.isoformat()}, 10),
]


@pytest.mark.parametrize("xlsx", [False, True], ids=["page", "xlsx"])
@pytest.mark.parametrize(("url_name", "params", "own"), PAGES)
def test_report_page_runs_its_queries_and_the_frame(
    login, sales_manager, busy, url_name, params, own, xlsx, django_assert_num_queries
):
    client = login(sales_manager)

    with django_assert_num_queries(FRAME + own + (EXPORT_ROW if xlsx else MENU)):
        response = client.get(reverse(url_name), {**params, "format": "xlsx"} if xlsx else params)

    assert response.status_code == 200
    if not xlsx:
        report = next(
            response.context[k] for k in ("report", "board", "analysis", "history", "rows") if response.context.get(k) is not None
        )
        if url_name == "reports:defeats":
            assert report.total == len(busy)
        elif url_name == "reports:targets":
            assert len(report) == len(busy)
        elif url_name == "reports:channels":
            assert report.channel_total.figures["visits"] == 2 * len(busy)
        elif url_name == "reports:history":
            assert {row.name: row.current for row in report.rows}["first_visits"] == 2 * len(busy)
        else:
            assert len(report.rows) == len(busy)
    assert Defeat.objects.count() == len(busy)
