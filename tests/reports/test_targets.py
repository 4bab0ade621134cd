from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import MonthlyTarget

pytestmark = pytest.mark.django_db

URL = reverse("reports:targets")
SAVE = reverse("reports:targets_save")
COPY = reverse("reports:targets_copy")
MARCH = date(2026, 3, 1)


def grid(consultant, **values):
    return {f"c{consultant.pk}_{name}": value for name, value in values.items()}


def test_sales_manager_sets_the_five_targets_per_consultant(login, sales_manager, consultant, teammate, frozen):
    client = login(sales_manager)
    data = {"month": "2026-03", **grid(consultant, contacts=120, prospecting=10, return_visits=20, test_drives=18, sales=9)}

    response = client.post(SAVE, data)

    assert response.status_code == 302
    target = MonthlyTarget.objects.get(consultant=consultant, month=MARCH)
    assert (target.contacts, target.prospecting, target.return_visits, target.test_drives, target.sales) == (120, 10, 20, 18, 9)
    assert target.updated_by == sales_manager
    assert MonthlyTarget.objects.get(consultant=teammate, month=MARCH).sales == 0


def test_saving_twice_keeps_one_row_per_consultant_and_month(login, sales_manager, consultant, frozen):
    client = login(sales_manager)
    data = {"month": "2026-03", **grid(consultant, sales=9)}

    client.post(SAVE, data)
    client.post(SAVE, {**data, **grid(consultant, sales=11)})

    assert list(MonthlyTarget.objects.filter(consultant=consultant).values_list("month", "sales")) == [(MARCH, 11)]


def test_negative_target_reshows_the_grid_with_the_error_and_typed_values(login, sales_manager, consultant, frozen):
    response = login(sales_manager).post(SAVE, {"month": "2026-03", **grid(consultant, sales=-3, contacts=77)})

    assert response.status_code == 200
    assert response.context["targets_form"].errors
    html = response.content.decode()
    assert 'value="-3"' in html and 'value="77"' in html and "is-invalid" in html
    assert not MonthlyTarget.objects.exists()


def test_copy_last_months_targets_in_one_action(login, sales_manager, consultant, teammate, frozen):
    MonthlyTarget.objects.create(consultant=consultant, month=date(2026, 2, 1), contacts=100, sales=8, updated_by=sales_manager)
    MonthlyTarget.objects.create(consultant=teammate, month=date(2026, 2, 1), sales=5, updated_by=sales_manager)
    MonthlyTarget.objects.create(consultant=teammate, month=MARCH, sales=1, updated_by=sales_manager)
    client = login(sales_manager)

    client.post(COPY, {"month": "2026-03"})
    client.post(COPY, {"month": "2026-03"})  # again: nothing doubles

    march = {t.consultant: (t.contacts, t.sales) for t in MonthlyTarget.objects.filter(month=MARCH)}
    assert march == {consultant: (100, 8), teammate: (0, 5)}


@pytest.mark.parametrize("who", ["showroom_manager", "consultant", "reception"])
def test_only_the_sales_manager_may_change_targets(login, request, who, consultant, frozen):
    user = request.getfixturevalue(who)
    client = login(user)

    assert client.post(SAVE, {"month": "2026-03", **grid(consultant, sales=9)}).status_code == 404
    assert client.post(COPY, {"month": "2026-03"}).status_code == 404
    assert not MonthlyTarget.objects.exists()


def test_consultant_reads_only_their_own_targets(login, sales_manager, consultant, teammate, frozen):
    MonthlyTarget.objects.create(consultant=consultant, month=MARCH, sales=8, updated_by=sales_manager)
    MonthlyTarget.objects.create(consultant=teammate, month=MARCH, sales=5, updated_by=sales_manager)

    response = login(consultant).get(URL, {"month": "2026-03"})

    assert [(c, t.sales) for c, t in response.context["rows"]] == [(consultant, 8)]
    assert response.context["targets_form"] is None


def test_reception_gets_404(login, reception):
    assert login(reception).get(URL).status_code == 404


def test_targets_xlsx_has_the_same_figures(login, sales_manager, consultant, frozen):
    MonthlyTarget.objects.create(consultant=consultant, month=MARCH, contacts=50, sales=8, updated_by=sales_manager)

    response = login(sales_manager).get(URL, {"month": "2026-03", "format": "xlsx"})

    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)]
    assert rows == [[str(consultant), 50, 0, 0, 0, 8]]
