"""Figures that hold (issue 13, item 1): every figure is counted from events stamped with who did the
work and when, so a handover, an edit of the card or a later cancellation leaves a past report as it
was; a cancellation in the month lowers that month's sales. Built on the known March of conftest."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse

from leads.models import Customer, Order
from leads.services import customer_update, order_cancel
from reports.board import performance_board
from reports.channels import channel_report
from reports.daily import daily_activity
from reports.defeats import defeat_analysis
from staff.services import customers_handover
from tests.reports.conftest import DAY, SHANGHAI, d, moment

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
APRIL_FIRST = datetime(2026, 4, 2, 10, 0, tzinfo=SHANGHAI)


def snapshot(user) -> dict:
    """Every figure of March's reports as `user` reads them."""
    days = [d(3, 2), d(3, 5), DAY, d(3, 12), d(3, 31)]
    daily = {
        day: {(row.consultant.pk if row.consultant else None): (row.day, row.mtd) for row in [*report.rows, report.total]}
        for day in days
        for report in [daily_activity(user=user, day=day)]
    }
    board = performance_board(user=user, month=MARCH)
    channels = channel_report(user=user, start=MARCH, end=d(3, 31))
    defeats = defeat_analysis(user=user, start=date(2026, 1, 1), end=d(3, 31))
    return {
        "daily": daily,
        "board": {
            (row.consultant.pk if row.consultant else None): (
                {k: (f.target, f.actual) for k, f in row.figures.items()}, row.funnel, row.cohort, row.rank,
            )
            for row in [*board.rows, board.total]
        },
        "trend": board.trend,
        "channels": [(r.label, r.figures) for r in [*channels.by_channel, *channels.by_intake]],
        "defeats": (defeats.total, [(r.label, r.count) for r in defeats.by_consultant]),
    }


def test_handing_over_every_customer_leaves_last_months_reports_as_they_were(
    activity, consultant, teammate, sales_manager, showroom_manager
):
    before = {user.pk: snapshot(user) for user in (sales_manager, showroom_manager)}
    alices = list(Customer.objects.filter(consultant=consultant))
    assert len(alices) > 5

    with moment(APRIL_FIRST):
        moved = customers_handover(customers=alices, to=[teammate], reason="resignation", by=showroom_manager)

    assert moved == len(alices) and not Customer.objects.filter(consultant=consultant).exists()
    for user in (sales_manager, showroom_manager):
        assert snapshot(user) == before[user.pk]


def test_editing_a_cards_intake_and_channel_leaves_the_prospecting_figure(activity, consultant, sales_manager, codes):
    before = snapshot(sales_manager)
    prospected = Customer.objects.get(pk=activity["prospected"].pk)
    assert prospected.intake == Customer.Intake.PROSPECTING

    with moment(APRIL_FIRST):
        customer_update(
            customer=prospected, by=consultant, version=prospected.version,
            fields={"intake": Customer.Intake.WALK_IN, "channel": codes["A"]},
        )

    assert snapshot(sales_manager) == before
    board = {row.consultant: row for row in performance_board(user=sales_manager, month=MARCH).rows}
    assert board[consultant].figures["prospecting"].actual == 1


def test_a_cancellation_lowers_the_months_sales_and_a_later_one_leaves_a_past_month(
    login, activity, consultant, sales_manager
):
    def alices_sales(month: date) -> int:
        rows = performance_board(user=sales_manager, month=month).rows
        return next(row.figures["sales"].actual for row in rows if row.consultant == consultant)

    assert alices_sales(MARCH) == 2  # old2's order of 3/6 and old1's of the day
    with moment(datetime.combine(d(3, 20), time(11), tzinfo=SHANGHAI)):
        order_cancel(order=Order.objects.get(customer=activity["old2"]), by=consultant, reason="资金不足", deposit_refunded=True, grade="B")
    assert alices_sales(MARCH) == 1

    before = snapshot(sales_manager)
    with moment(APRIL_FIRST):
        order_cancel(order=Order.objects.get(customer=activity["old1"]), by=consultant, reason="改买二手车", deposit_refunded=False, grade="C")
    assert snapshot(sales_manager) == before  # March as it was
    assert alices_sales(date(2026, 4, 1)) == -1  # April: no order, one cancelled
    daily = daily_activity(user=sales_manager, day=date(2026, 4, 2))
    assert next(row.day["cancellations"] for row in daily.rows if row.consultant == consultant) == 1


def test_a_contact_at_23_30_on_the_last_day_counts_in_that_month(activity, consultant, sales_manager):
    from leads.services import contact_log

    late = datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI)
    with moment(late):
        contact_log(
            customer=activity["old2"], by=consultant, contacted_at=late, method="phone", content="月底回访",
            grade_after="A", next_followup_reason="下周到店",
        )
    march = {row.consultant: row for row in performance_board(user=sales_manager, month=MARCH).rows}
    april = {row.consultant: row for row in performance_board(user=sales_manager, month=date(2026, 4, 1)).rows}
    assert march[consultant].figures["contacts"].actual == 12  # 11 before
    assert april[consultant].figures["contacts"].actual == 0
    last_day = {row.consultant: row for row in daily_activity(user=sales_manager, day=d(3, 31)).rows}
    assert last_day[consultant].day["contacts"] == 1


def test_the_board_daily_report_and_xlsx_show_the_same_figure(login, activity, consultant, sales_manager):
    """The same thing, the same figure: the board's month and the daily report's month to date on the
    month's last day, for each figure both show."""
    board = {row.consultant: row for row in performance_board(user=sales_manager, month=MARCH).rows}
    daily = {row.consultant: row for row in daily_activity(user=sales_manager, day=d(3, 31)).rows}
    for user, row in board.items():
        assert row.figures["contacts"].actual == daily[user].mtd["contacts"]
        assert row.figures["test_drives"].actual == daily[user].mtd["test_drives"]
        assert row.figures["sales"].actual == daily[user].mtd["orders"] - daily[user].mtd["cancellations"]
        assert row.funnel["deliveries"] == daily[user].mtd["deliveries"]
        assert row.cohort["new_prospects"] == daily[user].mtd["new_prospects"]
    assert login(sales_manager).get(reverse("reports:board"), {"month": "2026-03"}).status_code == 200


def test_an_owner_back_for_a_second_car_is_a_new_prospect_of_that_month(activity, consultant, sales_manager):
    from owners.services import customer_reopen

    owner = Customer.objects.get(pk=activity["old3"].pk)  # delivered on the day
    with moment(APRIL_FIRST):
        customer_reopen(customer=owner, by=consultant, reason="second_car", grade="B")
    april = daily_activity(user=sales_manager, day=date(2026, 4, 2))
    alice = next(row for row in april.rows if row.consultant == consultant)
    assert (alice.day["new_prospects"], alice.day["new_prospects_B"]) == (1, 1)
    march = {row.consultant: row for row in performance_board(user=sales_manager, month=MARCH).rows}
    assert march[consultant].cohort["new_prospects"] == 4  # March's cohort as it was
