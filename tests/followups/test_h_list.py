"""The weekly H-grade list page (H级客户名单): who sees which consultants' lists, the week picker, and a
constant number of queries. Putting customers on it: test_h_list_commitment.py."""

from datetime import date

import pytest
from django.urls import reverse

from followups.models import HListEntry
from followups.services import h_list_entry_add
from leads.models import CarModel
from leads.services import order_record
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def commit(customer, *, by, week=MONDAY, expected=date(2026, 3, 13), today=date(2026, 3, 11), **fields):
    return h_list_entry_add(customer=customer, week_start=week, expected_on=expected, by=by, today=today, **fields)


def groups_of(response) -> dict[str, list[int]]:
    return {g.consultant.username: [e.customer_id for e in g.entries] for g in response.context["groups"]}


def test_h_list_groups_the_weeks_commitments_per_consultant(login, showroom_manager, consultant, teammate, other_consultant, frozen_today):
    # given
    mine = prospect_create(consultant=consultant, grade="H", name="张H")
    prospect_create(consultant=consultant, grade="H", name="张H未列")
    theirs = prospect_create(consultant=teammate, grade="H", name="李H")
    other = prospect_create(consultant=other_consultant, grade="H", name="别组H")
    for customer in (mine, theirs):
        commit(customer, by=showroom_manager)
    commit(other, by=other_consultant)
    # when
    response = login(showroom_manager).get(reverse("followups:h_list"))
    # then
    assert response.context["week_start"] == MONDAY
    assert groups_of(response) == {"alice": [mine.pk], "amy": [theirs.pk]}
    body = response.content.decode()
    assert "别组H" not in body
    assert "张H未列" not in body  # an H prospect not committed is only counted as a candidate
    alice = response.context["groups"][0]
    assert alice.h_not_listed == 1


def test_consultant_sees_only_their_own_list(login, showroom_manager, consultant, teammate, frozen_today):
    # given
    commit(prospect_create(consultant=teammate, grade="H", name="李H"), by=showroom_manager)
    mine = prospect_create(consultant=consultant, grade="H")
    commit(mine, by=consultant)
    # when
    response = login(consultant).get(reverse("followups:h_list"))
    # then
    assert groups_of(response) == {"alice": [mine.pk]}
    assert "李H" not in response.content.decode()


def test_reception_gets_404_on_the_h_list(login, reception):
    assert login(reception).get(reverse("followups:h_list")).status_code == 404


def test_the_page_is_printable_and_has_a_week_picker(login, showroom_manager, frozen_today):
    response = login(showroom_manager).get(reverse("followups:h_list"))
    body = response.content.decode()
    assert "css/print-reports.css" in body and "report-print-title" in body
    assert "?week=2026-03-02" in body and "?week=2026-03-16" in body


@pytest.mark.parametrize("rows", [10, 200])
def test_h_list_runs_constant_queries(login, sales_manager, consultant, other_consultant, frozen_today, django_assert_max_num_queries, rows):
    # given: this week's and earlier weeks' lists, some signed
    car = CarModel.objects.first()
    for i in range(rows):
        holder = [consultant, other_consultant][i % 2]
        customer = prospect_create(consultant=holder, grade="H")
        commit(customer, by=sales_manager, week=[MONDAY, date(2026, 3, 2)][i % 3 == 0],
               expected=date(2026, 3, 6) if i % 3 == 0 else date(2026, 3, 13), today=date(2026, 3, 2) if i % 3 == 0 else date(2026, 3, 11),
               note=f"备注{i}")
        if i % 4 == 0:
            order_record(customer=customer, by=holder, fields={"ordered_on": date(2026, 3, 10), "car_model": car})
    client = login(sales_manager)
    # when / then
    with django_assert_max_num_queries(10):
        response = client.get(reverse("followups:h_list"))
    assert response.context["total"] == HListEntry.objects.filter(week_start=MONDAY).count()
    with django_assert_max_num_queries(10):
        client.get(reverse("followups:h_list"), {"week": "2026-03-02"})


# --- the week picker: out of range or malformed falls back to the current week --------------------


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "1999-12-31", "2028-01-03", "2026-02-30", "x"])
def test_h_list_for_a_week_out_of_range_shows_the_current_week(login, showroom_manager, consultant, frozen_today, week):
    # given
    commit(prospect_create(consultant=consultant, grade="H", name="张H"), by=showroom_manager)
    # when
    response = login(showroom_manager).get(reverse("followups:h_list"), {"week": week})
    # then
    assert response.status_code == 200
    assert response.context["week_start"] == MONDAY
    assert "张H" in response.content.decode()


def test_h_list_for_the_first_and_last_weeks_of_the_range(login, showroom_manager, frozen_today):
    client = login(showroom_manager)
    assert client.get(reverse("followups:h_list"), {"week": "2000-01-03"}).context["week_start"] == date(2000, 1, 3)
    assert client.get(reverse("followups:h_list"), {"week": "2027-12-31"}).context["week_start"] == date(2027, 12, 27)
