"""Improvement actions of the weekly sales-management meeting (issue 13, item 5; SVW MⅢ-4 持续改进行动计划):
problem, measure, owner, deadline, status with a result; open first, overdue marked; filters, pages,
A4 print and .xlsx; managers only, a team's actions hidden from the other teams (404)."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ImprovementAction, ReportExport
from reports.planning_services import improvement_action_create, improvement_action_update

pytestmark = pytest.mark.django_db

LIST = reverse("reports:improvement_actions")
NEW = reverse("reports:improvement_create")
PRINT = reverse("reports:improvement_print")
TODAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def action(*, by, owner, team=None, due_on=date(2026, 3, 25), problem="再回展厅率偏低", measure="每周电话邀约H/A级客户再回展厅", **fields):
    return improvement_action_create(
        fields={"problem": problem, "measure": measure, "owner": owner, "due_on": due_on, "team": team, **fields}, by=by
    )


def edit(client, item, **changes):
    data = {
        "problem": item.problem, "measure": item.measure, "owner": item.owner_id, "due_on": item.due_on.isoformat(),
        "team": item.team_id or "", "status": item.status, "result": item.result, "version": item.version,
    }
    return client.post(reverse("reports:improvement_edit", args=[item.pk]), {**data, **changes})


def rows(page) -> list[int]:
    return [a.pk for a in page.context["page"]]


# --- create ----------------------------------------------------------------------------------------


def test_a_showroom_manager_records_an_action_open_for_their_team(login, showroom_manager, consultant, team):
    client = login(showroom_manager)
    assert client.get(NEW).context["form"]["team"].value() == team.pk

    response = client.post(NEW, {"problem": "试驾率低于目标", "measure": "每位顾问每天至少邀约两次试驾", "owner": consultant.pk,
                                 "due_on": "2026-03-31", "team": team.pk})

    assert response.status_code == 302 and response.url == LIST
    item = ImprovementAction.objects.get()
    assert (item.owner, item.team, item.status, item.created_by, item.version) == (consultant, team, "open", showroom_manager, 1)
    assert item.history.get().history_user == showroom_manager


def test_a_resent_form_creates_one_action(login, showroom_manager, consultant):
    client = login(showroom_manager)
    key = client.get(NEW).context["form"]["submission_key"].value()
    data = {"problem": "p", "measure": "m", "owner": consultant.pk, "due_on": "2026-03-31", "submission_key": key}
    client.post(NEW, data)
    client.post(NEW, data)
    assert ImprovementAction.objects.count() == 1


def test_bad_input_returns_the_form_with_its_errors_and_the_typed_values(login, showroom_manager, consultant):
    response = login(showroom_manager).post(NEW, {"problem": "展厅接待不及时", "measure": "", "owner": consultant.pk, "due_on": "2031-13-01"})

    assert response.status_code == 200 and not ImprovementAction.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"measure", "due_on"}
    content = response.content.decode()
    assert "展厅接待不及时" in content and "2031-13-01" in content


def test_a_deadline_too_far_ahead_is_refused(login, showroom_manager, consultant):
    response = login(showroom_manager).post(NEW, {"problem": "p", "measure": "m", "owner": consultant.pk, "due_on": "2031-01-01"})
    assert "due_on" in response.context["form"].errors


def test_the_owner_must_be_in_the_actions_team(login, sales_manager, consultant, other_consultant, team):
    response = login(sales_manager).post(NEW, {"problem": "p", "measure": "m", "owner": other_consultant.pk, "due_on": "2026-03-31", "team": team.pk})
    assert "owner" in response.context["form"].errors and not ImprovementAction.objects.exists()


def test_a_showroom_manager_cannot_give_an_action_to_another_teams_consultant_or_team(login, showroom_manager, other_consultant, other_team):
    response = login(showroom_manager).post(NEW, {"problem": "p", "measure": "m", "owner": other_consultant.pk, "due_on": "2026-03-31", "team": other_team.pk})
    assert {"owner", "team"} <= set(response.context["form"].errors)


def test_the_sales_manager_records_a_whole_dealership_action_owned_by_a_manager(login, sales_manager, showroom_manager):
    login(sales_manager).post(NEW, {"problem": "周报未按时存档", "measure": "每周一上午提交周报", "owner": showroom_manager.pk, "due_on": "2026-03-23", "team": ""})
    item = ImprovementAction.objects.get()
    assert item.team is None and item.owner == showroom_manager


# --- edit ------------------------------------------------------------------------------------------


def test_an_action_is_closed_with_its_result(login, showroom_manager, consultant, team):
    item = action(by=showroom_manager, owner=consultant, team=team)

    response = edit(login(showroom_manager), item, status="done", result="再回展厅率从18%升到26%")

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.result, item.version) == ("done", "再回展厅率从18%升到26%", 2)


def test_closing_an_action_needs_a_result(login, showroom_manager, consultant, team):
    item = action(by=showroom_manager, owner=consultant, team=team)

    response = edit(login(showroom_manager), item, status="dropped", result="  ")

    assert "result" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == "open"


def test_a_stale_edit_is_refused_naming_who_saved_since(login, showroom_manager, sales_manager, consultant, team):
    item = action(by=showroom_manager, owner=consultant, team=team)
    opened = item.version
    improvement_action_update(action=item, fields={"measure": "经理改过的措施"}, version=opened, by=sales_manager)

    response = edit(login(showroom_manager), item, measure="我的措施", version=opened)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(str(sales_manager) in error and "not saved" in error for error in errors)
    assert "我的措施" in response.content.decode()  # what was typed comes back
    item.refresh_from_db()
    assert (item.measure, item.version) == ("经理改过的措施", 2)


def test_the_edit_page_shows_who_changed_what(login, showroom_manager, sales_manager, consultant, teammate, team):
    item = action(by=showroom_manager, owner=consultant, team=team)
    edit(login(sales_manager), item, owner=teammate.pk, status="done", result="已完成")

    content = login(showroom_manager).get(reverse("reports:improvement_edit", args=[item.pk])).content.decode()

    history = content.split('data-testid="history"', 1)[1].split("</details>", 1)[0]
    assert history.count('data-testid="history-entry"') == 2
    assert str(sales_manager) in history and str(showroom_manager) in history
    assert "Person responsible" in history and str(consultant) in history and str(teammate) in history
    assert "Status" in history and "Open" in history and "Done" in history


# --- list ------------------------------------------------------------------------------------------


def test_open_actions_come_first_by_deadline_and_the_overdue_are_marked(login, showroom_manager, consultant, team):
    later = action(by=showroom_manager, owner=consultant, team=team, due_on=date(2026, 3, 30))
    late = action(by=showroom_manager, owner=consultant, team=team, due_on=date(2026, 3, 10))
    done = action(by=showroom_manager, owner=consultant, team=team, due_on=date(2026, 3, 1))
    improvement_action_update(action=done, fields={"status": "done", "result": "ok"}, version=1, by=showroom_manager)

    page = login(showroom_manager).get(LIST)

    assert rows(page) == [late.pk, later.pk, done.pk]
    content = page.content.decode()
    marked = [chunk.split('data-action="', 1)[1].split('"', 1)[0] for chunk in content.split('data-testid="action-row"')[1:]
              if 'data-testid="overdue"' in chunk.split("</tr>", 1)[0]]
    assert marked == [str(late.pk)]  # a closed action past its deadline is not overdue


def test_the_list_filters_by_status_and_owner(login, showroom_manager, consultant, teammate, team):
    mine = action(by=showroom_manager, owner=consultant, team=team)
    amys = action(by=showroom_manager, owner=teammate, team=team)
    dropped = action(by=showroom_manager, owner=consultant, team=team)
    improvement_action_update(action=dropped, fields={"status": "dropped", "result": "不再适用"}, version=1, by=showroom_manager)
    client = login(showroom_manager)

    assert rows(client.get(LIST, {"owner": consultant.pk})) == [mine.pk, dropped.pk]
    assert rows(client.get(LIST, {"status": "open"})) == [mine.pk, amys.pk]
    assert rows(client.get(LIST, {"status": "dropped", "owner": consultant.pk})) == [dropped.pk]


def test_the_list_is_paginated(login, showroom_manager, consultant, team):
    for day in range(settings.PAGE_SIZE + 3):
        action(by=showroom_manager, owner=consultant, team=team, due_on=date(2026, 4, 1 + day % 28))
    client = login(showroom_manager)

    first, second = client.get(LIST), client.get(LIST, {"page": 2})

    assert len(rows(first)) == settings.PAGE_SIZE and len(rows(second)) == 3
    assert "Page 1 of 2" in first.content.decode()


def _many(count, *, by, owner, team):
    ImprovementAction.objects.bulk_create(
        ImprovementAction(problem=f"问题{n}", measure="措施", owner=owner, team=team, due_on=date(2026, 3, 1 + n % 28),
                          created_by=by, updated_by=by)
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_runs_a_fixed_number_of_queries(login, showroom_manager, consultant, team, count, django_assert_max_num_queries):
    _many(count, by=showroom_manager, owner=consultant, team=team)
    client = login(showroom_manager)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(11):  # session, user, count, menu badge, owner picker (count, rows), page, session save
        response = client.get(LIST, {"status": "open", "owner": consultant.pk})
    assert len(rows(response)) == min(count, settings.PAGE_SIZE)


# --- print and .xlsx -------------------------------------------------------------------------------


def test_the_print_page_lays_out_the_filtered_actions_for_a4(login, showroom_manager, consultant, teammate, team):
    action(by=showroom_manager, owner=consultant, team=team, measure="每天检查客户信息卡")
    action(by=showroom_manager, owner=teammate, team=team, measure="艾米的措施")

    response = login(showroom_manager).get(PRINT, {"owner": consultant.pk})

    content = response.content.decode()
    assert response.status_code == 200 and "print-reports.css" in content
    assert 'data-testid="print-title"' in content and "report-wide" in content
    assert content.count('data-testid="print-row"') == 1 and "每天检查客户信息卡" in content and "艾米的措施" not in content


def test_a_managers_xlsx_is_the_filtered_list_and_is_recorded(login, showroom_manager, consultant, teammate, team):
    action(by=showroom_manager, owner=consultant, team=team, measure="=HYPERLINK(1)")
    action(by=showroom_manager, owner=teammate, team=team)

    response = login(showroom_manager).get(LIST, {"owner": consultant.pk, "format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet.cell(2, 2).value == "'=HYPERLINK(1)" and sheet.cell(2, 3).value == str(consultant)
    export = ReportExport.objects.get()
    assert (export.user, export.report, export.rows) == (showroom_manager, "improvement_actions", 1)
    assert export.filters == f"owner={consultant.pk}" and export.title == "Improvement actions"


def test_a_consultants_xlsx_answers_404_and_records_nothing(login, consultant):
    assert login(consultant).get(LIST, {"format": "xlsx"}).status_code == 404
    assert not ReportExport.objects.exists()


# --- who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["consultant", "reception"])
def test_roles_without_the_permission_get_404_everywhere(login, request, showroom_manager, consultant, team, who):
    item = action(by=showroom_manager, owner=consultant, team=team)
    client = login(request.getfixturevalue(who))
    edit_url = reverse("reports:improvement_edit", args=[item.pk])
    assert [client.get(url).status_code for url in (LIST, NEW, PRINT, edit_url)] == [404] * 4
    assert edit(client, item, measure="x").status_code == 404 and client.post(NEW, {}).status_code == 404


def test_another_teams_action_answers_404_and_is_not_listed(login, showroom_manager, other_manager, consultant, team):
    ours = action(by=showroom_manager, owner=consultant, team=team)
    dealership = action(by=showroom_manager, owner=showroom_manager, team=None)
    client = login(other_manager)

    assert client.get(reverse("reports:improvement_edit", args=[ours.pk])).status_code == 404
    assert edit(client, ours, measure="改掉").status_code == 404
    assert rows(client.get(LIST)) == [dealership.pk]
    assert rows(client.get(PRINT.replace("print/", ""))) == [dealership.pk]
    ours.refresh_from_db()
    assert ours.measure != "改掉"


def test_the_sales_manager_sees_every_teams_actions(login, showroom_manager, other_manager, sales_manager, consultant, other_consultant, team, other_team):
    a = action(by=showroom_manager, owner=consultant, team=team, due_on=date(2026, 3, 20))
    b = action(by=other_manager, owner=other_consultant, team=other_team, due_on=date(2026, 3, 21))
    assert rows(login(sales_manager).get(LIST)) == [a.pk, b.pk]


def test_the_menu_offers_the_page_to_managers_only(login, showroom_manager, consultant):
    assert LIST in login(showroom_manager).get(reverse("followups:morning")).content.decode()
    assert LIST not in login(consultant).get(reverse("followups:today")).content.decode()
