"""Weekly H-grade list (H级客户名单) with the showroom manager's notes."""

from datetime import date

import pytest
from django.urls import reverse

from followups.models import HListNote
from tests.factories import prospect_create

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 9)


def test_h_list_groups_active_h_prospects_per_consultant(login, showroom_manager, consultant, teammate, other_consultant, frozen_today):
    # given
    mine = prospect_create(consultant=consultant, grade="H", name="张H")
    prospect_create(consultant=consultant, grade="B", name="张B")
    theirs = prospect_create(consultant=teammate, grade="H", name="李H")
    prospect_create(consultant=other_consultant, grade="H", name="别组H")
    # when
    response = login(showroom_manager).get(reverse("followups:h_list"))
    # then
    assert response.context["week_start"] == MONDAY
    groups = {c.username: [x.pk for x in customers] for c, customers in response.context["groups"]}
    assert groups == {"alice": [mine.pk], "amy": [theirs.pk]}
    assert "别组H" not in response.content.decode()


def test_consultant_sees_only_their_own_h_list_and_cannot_annotate(login, consultant, teammate, frozen_today):
    # given
    prospect_create(consultant=teammate, grade="H", name="李H")
    customer = prospect_create(consultant=consultant, grade="H")
    # when
    client = login(consultant)
    response = client.get(reverse("followups:h_list"))
    # then
    assert [c.username for c, _ in response.context["groups"]] == ["alice"]
    assert "李H" not in response.content.decode()
    assert client.post(reverse("followups:h_list_note", args=[customer.pk]), {"note": "x", "week": "2026-03-09"}).status_code == 404


def test_showroom_manager_annotates_a_row_once_per_week(login, showroom_manager, consultant, frozen_today):
    # given
    customer = prospect_create(consultant=consultant, grade="H")
    client = login(showroom_manager)
    url = reverse("followups:h_list_note", args=[customer.pk])
    # when: the note is written, then rewritten, for the week of Wed 03-11
    client.post(url, {"note": "周六来签单", "week": "2026-03-11"})
    response = client.post(url, {"note": "周六来签单，带家人", "week": "2026-03-11"}, follow=True)
    # then
    note = HListNote.objects.get()
    assert (note.week_start, note.note, note.author) == (MONDAY, "周六来签单，带家人", showroom_manager)
    assert "周六来签单，带家人" in response.content.decode()
    # and another week shows no note
    other_week = client.get(reverse("followups:h_list") + "?week=2026-03-16")
    assert "周六来签单" not in other_week.content.decode()


def test_manager_cannot_annotate_another_teams_customer(login, showroom_manager, other_consultant, frozen_today):
    customer = prospect_create(consultant=other_consultant, grade="H")
    response = login(showroom_manager).post(reverse("followups:h_list_note", args=[customer.pk]), {"note": "x"})
    assert response.status_code == 404
    assert not HListNote.objects.exists()


def test_reception_gets_404_on_the_h_list(login, reception):
    assert login(reception).get(reverse("followups:h_list")).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_h_list_runs_constant_queries(login, sales_manager, consultant, other_consultant, frozen_today, django_assert_max_num_queries, rows):
    # given
    for i in range(rows):
        customer = prospect_create(consultant=[consultant, other_consultant][i % 2], grade="H")
        if i % 3 == 0:
            HListNote.objects.create(customer=customer, week_start=MONDAY, note=f"备注{i}", author=sales_manager)
    client = login(sales_manager)
    # when / then
    with django_assert_max_num_queries(9):
        response = client.get(reverse("followups:h_list"))
    assert response.context["total"] == rows


# --- the week picker: out of range or malformed falls back to the current week --------------------


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "1999-12-31", "2028-01-03", "2026-02-30", "x"])
def test_h_list_for_a_week_out_of_range_shows_the_current_week(login, showroom_manager, consultant, frozen_today, week):
    # given
    prospect_create(consultant=consultant, grade="H", name="张H")
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


def test_note_posted_for_a_week_out_of_range_is_saved_for_the_current_week(login, showroom_manager, consultant, frozen_today):
    customer = prospect_create(consultant=consultant, grade="H")
    response = login(showroom_manager).post(
        reverse("followups:h_list_note", args=[customer.pk]), {"note": "周六来签单", "week": "9999-12-31"}
    )
    assert response.status_code == 302
    assert HListNote.objects.get().week_start == MONDAY
