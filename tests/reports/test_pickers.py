"""The report pickers keep to the data's range (2000-01 to December of next year): a value outside it, or
malformed, comes back as the picker's error on the page, never a 500, and downloads nothing."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reports.models import MonthlyTarget

pytestmark = pytest.mark.django_db

MONTH_REPORTS = ["reports:board", "reports:targets", "reports:progress"]
RANGE_REPORTS = ["reports:defeats", "reports:channels"]
BAD_MONTHS = ["0001-01", "9999-12", "1999-12", "2028-01", "2026-13", "x"]
BAD_DAYS = ["0001-01-01", "9999-12-31", "1999-12-31", "2028-01-01", "2026-02-30"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 10, 15, 0)), tick=False):
        yield


@pytest.fixture
def manager(login, sales_manager, consultant):
    return login(sales_manager)


@pytest.mark.parametrize("month", BAD_MONTHS)
@pytest.mark.parametrize("name", MONTH_REPORTS)
def test_month_out_of_range_shows_the_pickers_error(manager, name, month):
    response = manager.get(reverse(name), {"month": month})
    assert response.status_code == 200
    assert "month" in response.context["form"].errors


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
@pytest.mark.parametrize("name", MONTH_REPORTS)
def test_download_for_a_month_out_of_range_is_the_page_with_the_error(manager, name, month):
    response = manager.get(reverse(name), {"month": month, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "month" in response.context["form"].errors


@pytest.mark.parametrize("day", BAD_DAYS)
def test_daily_report_for_a_day_out_of_range_shows_the_pickers_error(manager, day):
    for params in ({"day": day}, {"day": day, "format": "xlsx"}):
        response = manager.get(reverse("reports:daily"), params)
        assert response.status_code == 200
        assert "day" in response.context["form"].errors and response.context["report"] is None


@pytest.mark.parametrize("day", BAD_DAYS)
@pytest.mark.parametrize("name", RANGE_REPORTS)
def test_range_out_of_bounds_shows_the_pickers_error(manager, name, day):
    start = manager.get(reverse(name), {"start": day, "end": "2026-03-10"})
    end = manager.get(reverse(name), {"start": "2026-01-01", "end": day, "format": "xlsx"})
    assert start.status_code == 200 and "start" in start.context["form"].errors
    assert end.status_code == 200 and "end" in end.context["form"].errors


@pytest.mark.parametrize("month", ["2000-01", "2027-12"])
@pytest.mark.parametrize("name", MONTH_REPORTS)
def test_first_and_last_months_of_the_range_are_reported(manager, name, month):
    response = manager.get(reverse(name), {"month": month})
    assert response.status_code == 200 and not response.context["form"].errors


def test_first_and_last_days_of_the_range_are_reported(manager):
    for day in ("2000-01-01", "2027-12-31"):
        response = manager.get(reverse("reports:daily"), {"day": day})
        assert response.status_code == 200 and response.context["report"] is not None


def test_pickers_carry_the_range_as_min_and_max(manager):
    board = manager.get(reverse("reports:board")).content.decode()
    daily = manager.get(reverse("reports:daily")).content.decode()
    assert 'min="2000-01"' in board and 'max="2027-12"' in board
    assert 'min="2000-01-01"' in daily and 'max="2027-12-31"' in daily


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_targets_posted_for_a_month_out_of_range_save_nothing(manager, consultant, month):
    for name in ("reports:targets_save", "reports:targets_copy"):
        response = manager.post(reverse(name), {"month": month, f"c{consultant.pk}_sales": "5"})
        assert response.status_code == 404
    assert not MonthlyTarget.objects.exists()


def test_target_beyond_the_maximum_is_refused(manager, consultant):
    response = manager.post(reverse("reports:targets_save"), {"month": "2026-03", f"c{consultant.pk}_sales": "100001"})
    assert response.status_code == 200
    assert f"c{consultant.pk}_sales" in response.context["targets_form"].errors
    assert not MonthlyTarget.objects.exists()
