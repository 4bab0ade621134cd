"""No report download carries a formula: text typed by users (customer names, a defeat's competitor
brand, code lists, a consultant's name) that a spreadsheet would evaluate is written as plain text."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from leads.models import CarModel, Channel, DefeatReason
from leads.services import customer_create, defeat_approve, defeat_file
from reports.xlsx import workbook_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HYPERLINK = '=HYPERLINK("http://evil")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(team, showroom_manager, sales_manager):
    """A month whose names are formulas, each made the way the product makes it."""
    with time_machine.travel(NOW, tick=False):
        consultant = UserFactory(username="mallory", last_name="@SUM(1,2)", first_name="", team=team)
        channel = Channel.objects.create(code="=Z", name="+cmd|' /C calc'!A0", sort_order=99)
        model = CarModel.objects.create(name="-2+3")
        reason = DefeatReason.objects.create(name="=2*3")
        prospect = customer_create(
            fields={"name": HYPERLINK, "phone": "13700000001", "grade": "H", "channel": channel, "car_model": model},
            consultant=consultant, by=consultant,
        )
        lost = customer_create(
            fields={"name": "\t=1", "phone": "13700000002", "grade": "A", "channel": channel},
            consultant=consultant, by=consultant,
        )
        request = defeat_file(
            customer=lost, by=consultant, fields={"reason": reason, "brand_bought": "=1+1", "analysis": "=3"},
        )
        defeat_approve(defeat=request, by=sales_manager)
    return {"consultant": consultant, "prospect": prospect}


REPORTS = {
    "daily": {"day": "2026-03-10"},
    "progress": {"month": "2026-03"},
    "board": {"month": "2026-03"},
    "defeats": {"start": "2026-03-01", "end": "2026-03-10"},
    "channels": {"start": "2026-03-01", "end": "2026-03-10"},
    "targets": {"month": "2026-03"},
}


def _cells(content: bytes):
    book = load_workbook(BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("report", REPORTS)
def test_no_report_download_holds_a_formula(login, sales_manager, hostile, report):
    params = {**REPORTS[report], "format": "xlsx"}
    if report == "progress":
        params["consultant"] = hostile["consultant"].pk

    with time_machine.travel(NOW, tick=False):
        response = login(sales_manager).get(reverse(f"reports:{report}"), params)

    assert response.status_code == 200
    cells = _cells(response.content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)] == []


EXPECTED = {  # where the hostile text shows, as text
    "daily": ["'@SUM(1,2)"],
    "progress": ["'" + HYPERLINK, "'-2+3"],
    "board": ["'@SUM(1,2)"],
    "defeats": ["'=1+1", "'=2*3", "'@SUM(1,2)"],
    "channels": ["'=Z +cmd|' /C calc'!A0"],
    "targets": ["'@SUM(1,2)"],
}


@pytest.mark.parametrize("report", REPORTS)
def test_hostile_text_is_kept_as_text_with_a_leading_apostrophe(login, sales_manager, hostile, report):
    params = {**REPORTS[report], "format": "xlsx", "consultant": hostile["consultant"].pk}

    with time_machine.travel(NOW, tick=False):
        response = login(sales_manager).get(reverse(f"reports:{report}"), params)

    texts = {c.value for c in _cells(response.content) if c.data_type == "s"}
    assert set(EXPECTED[report]) <= texts


def test_writer_marks_only_text_that_starts_like_a_formula():
    when = NOW.date()
    content = workbook_bytes([("S", [["title"]], [["王建国", -5, 2.5, when, None, "a=b", "'quoted", "\t1", "\r1"]])])

    row = [c.value for c in next(load_workbook(BytesIO(content)).active.iter_rows(min_row=2))]

    assert row[:3] == ["王建国", -5, 2.5]
    assert row[3].date() == when
    assert row[4:8] == [None, "a=b", "'quoted", "'\t1"]
    assert row[8].startswith("'")  # "\r" comes back as "\n": XML keeps no lone carriage return
