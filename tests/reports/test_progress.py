from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import at, contact, customer, d, defeat, deliver, order, reactivate

pytestmark = pytest.mark.django_db

URL = reverse("reports:progress")


@pytest.fixture
def sheet_data(frozen, codes, cadences, consultant, teammate, sales_manager):
    # hot: an H card of 1 March, first follow-up due 3/5; contacts on 3/5 (next due 3/12 by the rule)
    # and twice on 3/6 (next follow-up kept on 3/12); none since, so 3/12 is missed.
    hot = customer(consultant, d(3, 1), grade="H", channel=codes["A"], car_model=codes["model"])
    contact(hot, at(d(3, 5)))
    contact(hot, at(d(3, 6)), next_followup_on=d(3, 12))
    contact(hot, at(d(3, 6), 15), next_followup_on=d(3, 12))
    # warm: an A card of 1 February. A contact on 26 February (not on the March sheet) agreed an
    # appointment for 9 March, whose task the defeat of 8 March cancelled; back on 18 March (a contact,
    # then reactivated): next follow-up 25 March.
    warm = customer(consultant, d(2, 1), grade="A")
    contact(warm, at(d(2, 26)), appointment_at=at(d(3, 9)))
    defeat(warm, codes["price"], filed=at(d(3, 7)), decided=at(d(3, 8)), by=sales_manager)
    contact(warm, at(d(3, 18)))
    reactivate(warm, at(d(3, 18), 11))
    owner = customer(consultant, d(1, 5))
    order(owner, d(1, 20), codes["model"])
    deliver(owner, d(2, 1), codes["model"])  # an owner: not a row
    lost = customer(consultant, d(1, 5))
    defeat(lost, codes["price"], filed=at(d(1, 10)), decided=at(d(1, 11)), by=sales_manager)  # defeated: not a row
    amy_prospect = customer(teammate, d(3, 1), grade="H")
    return {"hot": hot, "warm": warm, "amy": amy_prospect}


def marks(row):
    return {cell.day.day: cell.mark for cell in row.cells if cell.mark}


def test_sheet_lays_planned_and_actual_contacts_over_the_month(login, consultant, sheet_data):
    response = login(consultant).get(URL, {"month": "2026-03"})

    sheet = response.context["sheet"]
    assert [row.customer for row in sheet.rows] == [sheet_data["hot"], sheet_data["warm"]]
    assert len(sheet.days) == 31
    hot, warm = sheet.rows
    assert marks(hot) == {5: "●", 6: "●", 12: "✕"}
    assert [c.day.day for c in hot.cells if c.planned] == [5, 12]
    assert hot.next_due_overdue is True
    assert marks(warm) == {18: "●", 25: "○"}
    assert warm.next_due_overdue is False


def test_page_highlights_overdue_days(login, consultant, sheet_data, rows_of):
    html = login(consultant).get(URL, {"month": "2026-03"}).content.decode()

    cells = rows_of(html, "progress-table")[str(sheet_data["hot"].pk)]
    assert cells[:7] == [sheet_data["hot"].name, "H", "朗逸", "A", "03-01", "03-06", "03-12"]
    assert cells[7 + 11] == "✕"
    assert 'class="day overdue' in html


def test_manager_picks_a_consultant_of_their_team(login, showroom_manager, consultant, teammate, sheet_data):
    client = login(showroom_manager)

    response = client.get(URL, {"month": "2026-03", "consultant": teammate.pk})

    assert [row.customer for row in response.context["sheet"].rows] == [sheet_data["amy"]]
    choices = {c for c in response.context["form"].fields["consultant"].queryset}
    assert choices == {consultant, teammate}


def test_manager_cannot_pick_another_teams_consultant(login, other_manager, consultant, sheet_data):
    assert login(other_manager).get(URL, {"consultant": consultant.pk}).status_code == 404


def test_consultant_cannot_open_a_colleagues_sheet(login, teammate, consultant, sheet_data):
    assert login(teammate).get(URL, {"consultant": consultant.pk}).status_code == 404


def test_consultant_sees_their_own_sheet_without_a_picker(login, teammate, sheet_data):
    response = login(teammate).get(URL, {"month": "2026-03"})

    assert "consultant" not in response.context["form"].fields
    assert [row.customer for row in response.context["sheet"].rows] == [sheet_data["amy"]]


def test_reception_gets_404(login, reception):
    assert login(reception).get(URL).status_code == 404


def test_rows_are_paginated(login, consultant, frozen, settings):
    for _number in range(settings.PAGE_SIZE + 5):
        customer(consultant, d(3, 1), grade="C")
    client = login(consultant)

    first = client.get(URL, {"month": "2026-03"})
    second = client.get(URL, {"month": "2026-03", "page": 2})

    assert len(first.context["sheet"].rows) == settings.PAGE_SIZE
    assert len(second.context["sheet"].rows) == 5
    assert "page=2" in first.content.decode()


def test_manager_downloads_the_whole_sheet_as_xlsx(login, showroom_manager, consultant, sheet_data):
    client = login(showroom_manager)
    sheet = client.get(URL, {"month": "2026-03", "consultant": consultant.pk}).context["sheet"]

    response = client.get(URL, {"month": "2026-03", "consultant": consultant.pk, "format": "xlsx"})

    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in rows] == [row.customer.name for row in sheet.rows]
    assert rows[0][1:4] == ["H", "朗逸", "A"]
    assert rows[0][7:] == [cell.mark or None for cell in sheet.rows[0].cells]
    assert rows[0][7 + 11] == "✕"


def test_consultant_may_not_export_customer_lists(login, consultant, sheet_data):
    assert login(consultant).get(URL, {"month": "2026-03", "format": "xlsx"}).status_code == 404


@pytest.mark.parametrize("prospects", [10, 200])
def test_sheet_runs_a_constant_number_of_queries(login, consultant, frozen, cadences, prospects, django_assert_max_num_queries):
    for _number in range(prospects):
        customer(consultant, d(3, 1), grade="C")  # with its follow-up task, due 3/4
    client = login(consultant)

    # session, user, the consultant looked up among those the user may see, page count, page rows,
    # their tasks, their contact days, the menu badges, the session save (a savepoint around it)
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"month": "2026-03"})

    assert len(response.context["sheet"].rows) == min(prospects, 25)


def test_xlsx_link_shown_to_managers_only(login, showroom_manager, consultant, sheet_data):
    assert 'data-testid="xlsx-link"' in login(showroom_manager).get(URL, {"month": "2026-03"}).content.decode()
    assert 'data-testid="xlsx-link"' not in login(consultant).get(URL, {"month": "2026-03"}).content.decode()
