"""Morning meeting grouped by consultant and narrowed from the summary (issue 14, item 4; docs/domain.md,
"Follow-ups"): one section per consultant, names linking to the card, phones as displayed everywhere,
summary numbers that filter the page, a filter that never reaches past what the user sees."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from followups.models import Task
from leads.models import Customer
from tests.factories import CustomerFactory, prospect_create

pytestmark = pytest.mark.django_db

MORNING = reverse("followups:morning")


def _due(customer, day, status=Task.Status.OPEN):
    Task.objects.filter(customer=customer, status__in=Task.PENDING).update(due_on=day, status=status)


def _section(body: str, username: str) -> str:
    """The HTML of one consultant's section (its nested sections included)."""
    start = body.index(f'data-testid="consultant-{username}"')
    end = body.find('class="card mb-2 morning-consultant"', start)
    return body[start:end if end != -1 else len(body)]


@pytest.fixture
def meeting_day(consultant, teammate, other_consultant, frozen_today):
    """alice: one task overdue, one due today, a stuck A; amy: only a task due today; charlie (other team): overdue."""
    late = prospect_create(consultant=consultant, grade="H", name="逾期客户", phone="13800001111")
    _due(late, frozen_today - timedelta(days=2), Task.Status.OVERDUE)
    today = prospect_create(consultant=consultant, grade="B", name="今天客户")
    _due(today, frozen_today)
    Customer.objects.filter(pk=today.pk).update(card_status=Customer.CardStatus.SIGNED)
    stuck = CustomerFactory(consultant=consultant, grade="A", graded_on=frozen_today - timedelta(days=20),
                            card_status=Customer.CardStatus.SIGNED, name="停滞客户")
    amys = prospect_create(consultant=teammate, grade="B", name="队友今天")
    _due(amys, frozen_today)
    charlies = prospect_create(consultant=other_consultant, grade="H", name="别组客户")
    _due(charlies, frozen_today - timedelta(days=1), Task.Status.OVERDUE)
    return {"late": late, "today": today, "stuck": stuck, "amys": amys, "charlies": charlies}


def test_each_visible_consultant_gets_a_section_open_when_they_have_overdue_work(
    login, showroom_manager, consultant, teammate, meeting_day
):
    # when
    response = login(showroom_manager).get(MORNING)
    # then
    sections = response.context["meeting"].sections
    assert [s.consultant.username for s in sections] == ["alice", "amy"]
    alice, amy = sections
    assert alice.is_open and not amy.is_open
    assert [t.customer for t in alice.overdue] == [meeting_day["late"]]
    assert [t.customer for t in alice.due_today] == [meeting_day["today"]]
    assert alice.stuck == [meeting_day["stuck"]] and alice.h_grade == [meeting_day["late"]]
    assert [t.customer for t in amy.due_today] == [meeting_day["amys"]] and not amy.overdue
    body = response.content.decode()
    assert 'data-testid="consultant-charlie"' not in body and "别组客户" not in body
    html = _section(body, "alice")
    assert 'aria-expanded="true"' in html and 'class="collapse show"' in html
    assert re.search(r'data-count="overdue">[^<]*1<', html) and re.search(r'data-count="stuck">[^<]*1<', html)
    assert 'aria-expanded="false"' in _section(body, "amy")


def test_names_link_to_the_card_and_phones_are_displayed_and_dial(login, showroom_manager, meeting_day):
    # when
    body = login(showroom_manager).get(MORNING).content.decode()
    # then
    late = meeting_day["late"]
    card = reverse("leads:customer_detail", args=[late.pk])
    assert f'<a href="{card}">逾期客户</a>' in body
    assert 'href="tel:13800001111"' in body and "138 0000 1111" in body


def test_summary_numbers_link_to_the_lists_behind_them(login, showroom_manager, consultant, meeting_day):
    # when
    body = login(showroom_manager).get(MORNING).content.decode()
    # then
    row = body.split('data-testid="row-alice"', 1)[1].split("</tr>", 1)[0]
    assert f'href="{MORNING}?consultant={consultant.pk}&amp;list=overdue"' in row
    assert f'href="{MORNING}?consultant={consultant.pk}"' in row  # the name: the whole section
    total = body.split('data-testid="row-total"', 1)[1].split("</tr>", 1)[0]
    assert f'href="{MORNING}?list=due_today"' in total
    assert 'data-testid="meeting-filter"' not in body


def test_a_summary_link_narrows_the_page_to_one_consultants_list(login, showroom_manager, consultant, meeting_day):
    # when
    response = login(showroom_manager).get(MORNING, {"consultant": consultant.pk, "list": "overdue"})
    # then
    meeting = response.context["meeting"]
    assert meeting.filter.consultant == consultant and meeting.filter.list == "overdue"
    assert [s.consultant for s in meeting.sections] == [consultant]
    (alice,) = meeting.sections
    assert [t.customer for t in alice.overdue] == [meeting_day["late"]]
    assert not (alice.due_today or alice.h_grade or alice.stuck or alice.unsigned or alice.postponements)
    assert {r.consultant.username for r in meeting.rows} == {"alice", "amy"}  # the summary stays whole
    body = response.content.decode()
    chip = body.split('data-testid="meeting-filter"', 1)[1].split("</div>", 1)[0]
    assert str(consultant) in chip and str(response.context["list_label"]) in chip and f'href="{MORNING}"' in chip  # shown and clearable
    assert "今天客户" not in body.split('data-testid="consultant-sections"', 1)[1]
    assert 'data-testid="print-title"' in body


def test_a_list_without_consultant_keeps_only_consultants_with_such_rows(login, showroom_manager, meeting_day):
    # when
    meeting = login(showroom_manager).get(MORNING, {"list": "overdue"}).context["meeting"]
    # then
    assert [s.consultant.username for s in meeting.sections] == ["alice"]
    assert meeting.filter.consultant is None and meeting.filter.list == "overdue"


@pytest.mark.parametrize("params", [{"consultant": "abc"}, {"list": "everything"}, {"consultant": "99999999999999"},
                                    {"consultant": "-1", "list": "DROP"}, {"consultant": "²"}])
def test_invalid_filters_are_ignored(login, showroom_manager, meeting_day, params):
    # when
    response = login(showroom_manager).get(MORNING, params)
    # then
    assert response.status_code == 200
    meeting = response.context["meeting"]
    assert not meeting.filter.is_set
    assert [s.consultant.username for s in meeting.sections] == ["alice", "amy"]


def test_another_teams_consultant_cannot_be_chosen(login, showroom_manager, other_consultant, meeting_day):
    # when
    response = login(showroom_manager).get(MORNING, {"consultant": other_consultant.pk, "list": "overdue"})
    # then: the consultant is dropped (the list stays), nothing of theirs shows
    meeting = response.context["meeting"]
    assert meeting.filter.consultant is None
    assert [s.consultant.username for s in meeting.sections] == ["alice"]
    body = response.content.decode()
    assert "别组客户" not in body and "charlie" not in body


def test_the_sales_manager_may_choose_any_teams_consultant(login, sales_manager, other_consultant, meeting_day):
    # when
    meeting = login(sales_manager).get(MORNING, {"consultant": other_consultant.pk}).context["meeting"]
    # then
    assert [s.consultant for s in meeting.sections] == [other_consultant]
    assert [t.customer for t in meeting.sections[0].overdue] == [meeting_day["charlies"]]


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("filtered", [False, True])
def test_the_grouped_and_the_filtered_meeting_run_constant_queries(
    login, sales_manager, consultant, other_consultant, frozen_today, django_assert_max_num_queries, rows, filtered
):
    # given
    customers = CustomerFactory.create_batch(rows, consultant=consultant, grade="H", graded_on=frozen_today - timedelta(days=9))
    Customer.objects.filter(pk__in=[c.pk for c in customers[::2]]).update(consultant=other_consultant)
    Task.objects.bulk_create(
        Task(customer=c, kind=Task.Kind.CADENCE, due_on=frozen_today - timedelta(days=i % 3), assignee=c.consultant,
             status=Task.Status.OPEN)
        for i, c in enumerate(Customer.objects.select_related("consultant"))
    )
    client = login(sales_manager)
    params = {"consultant": consultant.pk} if filtered else {}
    # when / then: the bound of test_morning.py
    with django_assert_max_num_queries(15):
        response = client.get(MORNING, params)
    assert response.status_code == 200
    shown = sum(len(s.overdue) + len(s.due_today) for s in response.context["meeting"].sections)
    assert shown == (rows // 2 if filtered else rows)


def test_the_meeting_downloads_as_xlsx_for_managers_and_is_recorded(login, showroom_manager, consultant, other_consultant):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.models import ReportExport

    mine = prospect_create(consultant=consultant, grade="H", name="晨会下载")
    prospect_create(consultant=other_consultant, grade="H", name="别组客户")
    client = login(showroom_manager)
    assert 'data-testid="xlsx-link"' in client.get(reverse("followups:morning")).content.decode()
    response = client.get(reverse("reports:morning_xlsx"))
    book = load_workbook(BytesIO(response.content))
    assert [sheet.title for sheet in book.worksheets][0] and len(book.worksheets) == 5
    cells = {str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert mine.name in cells and "别组客户" not in cells  # the manager's team only
    assert ReportExport.objects.get().user == showroom_manager


def test_a_consultant_gets_404_on_the_meetings_file(login, consultant):
    assert login(consultant).get(reverse("reports:morning_xlsx")).status_code == 404
