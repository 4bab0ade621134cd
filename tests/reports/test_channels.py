from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leads.models import Channel

pytestmark = pytest.mark.django_db

URL = reverse("reports:channels")
RANGE = {"start": "2026-03-01", "end": "2026-03-20"}
ZERO = {"visits": 0, "new_prospects": 0, "orders": 0, "deliveries": 0}


def funnel(visits, new_prospects, orders, deliveries):
    return {"visits": visits, "new_prospects": new_prospects, "orders": orders, "deliveries": deliveries}


def test_visits_new_prospects_orders_and_deliveries_per_channel(login, sales_manager, activity, codes):
    report = login(sales_manager).get(URL, RANGE).context["report"]

    by_label = {row.label: row.figures for row in report.by_channel}
    assert by_label[str(codes["A"])] == funnel(1, 1, 1, 0)
    assert by_label[str(codes["H"])] == funnel(0, 1, 0, 0)
    assert by_label["(no channel)"] == funnel(9, 4, 3, 2)
    others = [f for label, f in by_label.items() if label not in (str(codes["A"]), str(codes["H"]), "(no channel)")]
    assert len(others) == Channel.objects.count() - 2
    assert all(f == ZERO for f in others)
    assert report.channel_total.figures == funnel(10, 6, 4, 2)


def test_funnel_per_intake_way(login, sales_manager, activity):
    report = login(sales_manager).get(URL, RANGE).context["report"]

    by_label = {row.label: row.figures for row in report.by_intake}
    assert by_label["Walk-in"] == funnel(1, 4, 4, 2)
    assert by_label["Outbound prospecting"] == funnel(0, 1, 0, 0)
    assert by_label["OEM-assigned lead"] == funnel(0, 1, 0, 0)
    assert by_label["Phone-in"] == ZERO
    assert by_label["(no customer card)"] == funnel(9, 0, 0, 0)
    assert report.intake_total.figures == report.channel_total.figures == funnel(10, 6, 4, 2)


def test_consultant_sees_only_their_own_funnel(login, consultant, activity):
    report = login(consultant).get(URL, RANGE).context["report"]

    assert report.channel_total.figures == funnel(5, 4, 2, 2)


def test_other_teams_manager_sees_only_their_team(login, other_manager, activity):
    report = login(other_manager).get(URL, RANGE).context["report"]

    assert report.channel_total.figures == funnel(3, 1, 1, 0)


def test_reception_gets_404(login, reception):
    assert login(reception).get(URL).status_code == 404


def test_page_and_xlsx_show_the_same_totals(login, sales_manager, activity):
    client = login(sales_manager)
    html = client.get(URL, RANGE).content.decode()
    assert '<tr><th scope="row">Total</th><td>10</td><td>6</td><td>4</td><td>2</td><td>67%</td></tr>' in html

    book = load_workbook(BytesIO(client.get(URL, {**RANGE, "format": "xlsx"}).content))

    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert rows[-1] == ["Total", 10, 6, 4, 2, 67]
        assert [sum(r[i] for r in rows[:-1]) for i in range(1, 5)] == [10, 6, 4, 2]
