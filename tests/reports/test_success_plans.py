"""Personal success plans (issue 13, item 5; SVW BG-MⅢ-09 个人成功计划): the showroom manager builds a
consultant's plan for a month in a one-to-one and records each one-to-one on it; the consultant reads
their own plans and notes (another's: 404) and edits nothing; managers write for the consultants they see."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from reports.models import OneToOneNote, SuccessPlan
from reports.planning_services import one_to_one_note_add, success_plan_create, success_plan_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("reports:plans")
NEW = reverse("reports:plan_create")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def plan(consultant, *, by, month=date(2026, 3, 1), goals="本月成交8台\n试驾率达到40%", actions="每天复盘H级客户"):
    return success_plan_create(
        fields={"consultant": consultant, "month": month, "goals": goals, "actions": actions, "next_review_on": date(2026, 3, 25)},
        by=by,
    )


def plan_data(item, **changes):
    data = {"consultant": item.consultant_id, "month": item.month.strftime("%Y-%m"), "goals": item.goals,
            "actions": item.actions, "next_review_on": item.next_review_on.isoformat(), "version": item.version}
    return {**data, **changes}


def detail(item):
    return reverse("reports:plan_detail", args=[item.pk])


def edit_url(item):
    return reverse("reports:plan_edit", args=[item.pk])


def note_url(item):
    return reverse("reports:plan_note_add", args=[item.pk])


def rows(page) -> list[int]:
    return [p.pk for p in page.context["page"]]


# --- create and edit -------------------------------------------------------------------------------


def test_the_showroom_manager_builds_a_consultants_plan_for_a_month(login, showroom_manager, consultant):
    response = login(showroom_manager).post(NEW, {
        "consultant": consultant.pk, "month": "2026-04", "goals": "成交10台\n再回展厅15批", "actions": "每周二对H级客户逐一复盘",
        "next_review_on": "2026-04-08",
    })

    item = SuccessPlan.objects.get()
    assert response.status_code == 302 and response.url == detail(item)
    assert (item.consultant, item.month, item.created_by, item.goal_lines) == (consultant, date(2026, 4, 1), showroom_manager, ["成交10台", "再回展厅15批"])
    assert item.history.get().history_user == showroom_manager


def test_bad_input_returns_the_form_with_its_errors_and_the_typed_values(login, showroom_manager, consultant):
    response = login(showroom_manager).post(NEW, {"consultant": consultant.pk, "month": "2026-04", "goals": "提高试驾率", "actions": "", "next_review_on": "soon"})

    assert response.status_code == 200 and not SuccessPlan.objects.exists()
    assert set(response.context["form"].errors) == {"actions", "next_review_on"}
    content = response.content.decode()
    assert "提高试驾率" in content and 'value="soon"' in content


def test_one_plan_per_consultant_and_month(login, showroom_manager, consultant):
    plan(consultant, by=showroom_manager)
    response = login(showroom_manager).post(NEW, {"consultant": consultant.pk, "month": "2026-03", "goals": "g", "actions": "a", "next_review_on": "2026-03-30"})
    assert response.context["form"].errors["month"] == ["This consultant already has a plan for this month."]
    assert SuccessPlan.objects.count() == 1


def test_a_manager_cannot_plan_for_another_teams_consultant(login, showroom_manager, other_consultant):
    response = login(showroom_manager).post(NEW, {"consultant": other_consultant.pk, "month": "2026-04", "goals": "g", "actions": "a", "next_review_on": "2026-04-08"})
    assert "consultant" in response.context["form"].errors and not SuccessPlan.objects.exists()


def test_editing_the_plan_saves_it_with_a_new_version(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)

    response = login(showroom_manager).post(edit_url(item), plan_data(item, actions="每天下班前更新客户信息卡"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.actions, item.version, item.updated_by) == ("每天下班前更新客户信息卡", 2, showroom_manager)


def test_a_stale_edit_is_refused_naming_who_saved_since(login, showroom_manager, sales_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    success_plan_update(plan=item, fields={"actions": "销售经理改过"}, version=1, by=sales_manager)

    response = login(showroom_manager).post(edit_url(item), plan_data(item, actions="我的改动", version=1))

    assert response.status_code == 200
    assert any(str(sales_manager) in e and "not saved" in e for e in response.context["form"].non_field_errors())
    assert "我的改动" in response.content.decode()
    item.refresh_from_db()
    assert (item.actions, item.version) == ("销售经理改过", 2)


# --- the plan page and its one-to-ones -------------------------------------------------------------


def test_the_plan_page_shows_the_goals_and_the_notes_newest_first(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    one_to_one_note_add(plan=item, held_on=date(2026, 3, 4), notes="第一次沟通：跟进记录不完整", by=showroom_manager)
    one_to_one_note_add(plan=item, held_on=date(2026, 3, 11), notes="第二次沟通：已改善", next_steps="继续邀约试驾", by=showroom_manager)

    content = login(showroom_manager).get(detail(item)).content.decode()

    assert content.index("第二次沟通") < content.index("第一次沟通") and "继续邀约试驾" in content
    assert "<li>本月成交8台</li>" in content and "<li>试驾率达到40%</li>" in content


def test_the_manager_adds_a_one_to_one_note(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    client = login(showroom_manager)
    key = client.get(detail(item)).context["note_form"]["submission_key"].value()
    data = {"held_on": "2026-03-18", "notes": "本周跟进频率达标", "next_steps": "下周复盘战败客户", "submission_key": key}

    response = client.post(note_url(item), data)
    client.post(note_url(item), data)  # sent again: nothing more

    assert response.status_code == 302 and response.url == detail(item) + "#notes"
    note = OneToOneNote.objects.get()
    assert (note.plan, note.held_on, note.written_by, note.next_steps) == (item, date(2026, 3, 18), showroom_manager, "下周复盘战败客户")


def test_a_bad_note_comes_back_on_the_plan_page_with_the_typed_text(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)

    response = login(showroom_manager).post(note_url(item), {"held_on": "2027-01-01", "notes": "还没写完的记录"})

    assert response.status_code == 200 and not OneToOneNote.objects.exists()
    assert "held_on" in response.context["note_form"].errors and "还没写完的记录" in response.content.decode()


def test_the_plan_page_shows_who_changed_what(login, showroom_manager, sales_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    success_plan_update(plan=item, fields={"next_review_on": date(2026, 3, 28)}, version=1, by=sales_manager)

    content = login(consultant).get(detail(item)).content.decode()

    history = content.split('data-testid="history"', 1)[1].split("</details>", 1)[0]
    assert history.count('data-testid="history-entry"') == 2 and str(sales_manager) in history
    assert "Next review" in history and "2026-03-25" in history and "2026-03-28" in history


# --- who sees and writes what ----------------------------------------------------------------------


def test_a_consultant_reads_their_own_plan_and_notes_but_edits_nothing(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    one_to_one_note_add(plan=item, held_on=date(2026, 3, 11), notes="沟通记录", by=showroom_manager)
    client = login(consultant)

    page = client.get(detail(item))

    content = page.content.decode()
    assert page.status_code == 200 and "沟通记录" in content
    assert page.context["note_form"] is None and 'data-testid="note-form"' not in content and edit_url(item) not in content
    assert rows(client.get(LIST)) == [item.pk] and 'data-testid="new-plan"' not in client.get(LIST).content.decode()
    assert client.get(edit_url(item)).status_code == 404
    assert client.post(edit_url(item), plan_data(item, actions="自己改")).status_code == 404
    assert client.post(note_url(item), {"held_on": "2026-03-18", "notes": "自己写"}).status_code == 404
    assert client.get(NEW).status_code == 404
    item.refresh_from_db()
    assert item.actions == "每天复盘H级客户" and item.notes.count() == 1


def test_a_consultant_cannot_open_a_teammates_plan(login, showroom_manager, consultant, teammate):
    theirs = plan(teammate, by=showroom_manager)
    client = login(consultant)
    assert client.get(detail(theirs)).status_code == 404
    assert rows(client.get(LIST)) == []


def test_another_teams_manager_gets_404(login, showroom_manager, other_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    client = login(other_manager)
    assert [client.get(url).status_code for url in (detail(item), edit_url(item))] == [404, 404]
    assert client.post(note_url(item), {"held_on": "2026-03-18", "notes": "x"}).status_code == 404
    assert rows(client.get(LIST)) == []


def test_reception_gets_404(login, reception, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    client = login(reception)
    assert [client.get(url).status_code for url in (LIST, NEW, detail(item), edit_url(item))] == [404] * 4


def test_the_sales_manager_sees_and_edits_every_teams_plans(login, showroom_manager, other_manager, sales_manager, consultant, other_consultant):
    ours, theirs = plan(consultant, by=showroom_manager), plan(other_consultant, by=other_manager)
    client = login(sales_manager)
    assert set(rows(client.get(LIST))) == {ours.pk, theirs.pk}
    assert client.post(edit_url(theirs), plan_data(theirs, goals="新目标")).status_code == 302


# --- the list --------------------------------------------------------------------------------------


def test_the_list_filters_by_consultant_and_month(login, showroom_manager, consultant, teammate):
    march = plan(consultant, by=showroom_manager)
    april = plan(consultant, by=showroom_manager, month=date(2026, 4, 1))
    amys = plan(teammate, by=showroom_manager)
    client = login(showroom_manager)

    listed = rows(client.get(LIST))
    assert listed[0] == april.pk and set(listed[1:]) == {march.pk, amys.pk}  # newest month first
    assert rows(client.get(LIST, {"consultant": consultant.pk})) == [april.pk, march.pk]
    assert set(rows(client.get(LIST, {"month": "2026-03"}))) == {march.pk, amys.pk}
    assert rows(client.get(LIST, {"consultant": teammate.pk, "month": "2026-03"})) == [amys.pk]


def test_the_list_counts_each_plans_one_to_ones(login, showroom_manager, consultant):
    item = plan(consultant, by=showroom_manager)
    for day in (4, 11):
        one_to_one_note_add(plan=item, held_on=date(2026, 3, day), notes="n", by=showroom_manager)
    listed = login(showroom_manager).get(LIST).context["page"][0]
    assert (listed.note_count, listed.last_held_on) == (2, date(2026, 3, 11))


def _many(count, team, by):
    consultants = UserFactory.create_batch(count, team=team)
    SuccessPlan.objects.bulk_create(
        SuccessPlan(consultant=c, month=date(2026, 3, 1), goals="g", actions="a", next_review_on=date(2026, 3, 25), created_by=by, updated_by=by)
        for c in consultants
    )
    OneToOneNote.objects.bulk_create(
        OneToOneNote(plan=p, held_on=date(2026, 3, 4), notes="n", written_by=by) for p in SuccessPlan.objects.all()
    )


def test_the_list_is_paginated(login, showroom_manager, team):
    _many(settings.PAGE_SIZE + 2, team, showroom_manager)
    client = login(showroom_manager)
    assert len(rows(client.get(LIST))) == settings.PAGE_SIZE and len(rows(client.get(LIST, {"page": 2}))) == 2


@pytest.mark.parametrize("count", [10, 60])
def test_the_list_runs_a_fixed_number_of_queries(login, showroom_manager, team, count, django_assert_max_num_queries):
    _many(count, team, showroom_manager)
    client = login(showroom_manager)
    client.get(LIST)
    with django_assert_max_num_queries(11):  # session, user, count, menu badge, consultant picker (count, rows), page, session save
        response = client.get(LIST, {"month": "2026-03"})
    assert len(rows(response)) == min(count, settings.PAGE_SIZE)


def test_the_menu_offers_the_plans_to_consultants_and_managers(login, consultant, showroom_manager, reception):
    assert LIST in login(consultant).get(reverse("followups:today")).content.decode()
    assert LIST in login(showroom_manager).get(reverse("followups:morning")).content.decode()
