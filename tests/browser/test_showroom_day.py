"""The day of a showroom, clicked and typed in real Chromium (zh-hans interface).

One test walks the whole day, because each step builds on the one before: reception registers a
walk-in, the consultant completes it, the manager returns and then signs the card, the consultant
follows up and files a defeat, the manager decides it, a consultant of another team is kept out,
and the sales manager reads the day in the reports. The consultant's steps run at desktop and at
phone width.
"""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from accounts.models import User
from followups.models import Task
from leads.models import Channel, Customer, DutySlot, Visit
from reports.models import MonthlyTarget
from reports.daily_tables import DAILY_COLUMNS
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import UserFactory, prospect_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KNOWN_PHONE = "13911112222"
NEW_PHONE = "13855556666"
NAME = "林晓峰"


@pytest.fixture
def showroom(reference_data, team, consultant, teammate, showroom_manager, other_consultant, reception):
    today = timezone.localdate()
    DutySlot.objects.create(day=today, consultant=consultant, position=1)
    DutySlot.objects.create(day=today, consultant=teammate, position=2)
    regular = prospect_create(consultant=teammate, phone=KNOWN_PHONE, name="老客户")
    Visit.objects.create(  # 老客户 was in the showroom last week: today's visit would be an S
        visit_date=today - timedelta(days=7), arrived_at=time(10), left_at=time(10, 30), consultant=teammate,
        customer=regular, completed_at=timezone.now() - timedelta(days=7), created_by=teammate,
    )
    return today


def zh(msgid: str) -> str:
    """What the zh-hans interface shows for `msgid` (so the journeys follow the catalogue's wording)."""
    with override("zh-hans"):
        return gettext(msgid)


def url(live_server, name, *args, **query):
    path = reverse(name, args=args)
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return live_server.url + path


def reception_registers_a_walk_in(page, live_server, consultant):
    page.goto(url(live_server, "leads:visit_register"))
    assert page.get_by_test_id("rotation-suggestion").inner_text() == str(consultant)
    assert page.locator("select[name=consultant]").input_value() == str(consultant.pk)

    page.fill("input[name=phone]", KNOWN_PHONE)
    page.wait_for_function("document.querySelector('#phone-mark').innerText.trim() === 'S'")
    page.fill("input[name=phone]", NEW_PHONE)
    page.wait_for_function("document.querySelector('#phone-mark').innerText.trim() === 'F'")

    page.fill("input[name=arrived_at]", "10:00")
    page.fill("input[name=party_size]", "2")
    page.get_by_role("button", name=zh("Add party"), exact=True).click()
    row = page.get_by_test_id("visit-row").first
    row.wait_for()
    assert row.locator("td").nth(3).inner_text() == "F"
    screenshot(page, "visit_register")


def consultant_completes_the_visit(page, live_server, today):
    page.goto(url(live_server, "leads:visit_register"))
    page.get_by_test_id("visit-row").first.get_by_role("link", name=zh("Complete"), exact=True).click()
    page.fill("input[name=left_at]", "10:45")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=phone]", NEW_PHONE)
    page.select_option("select[name=car_model]", index=1)
    page.select_option("select[name=colour]", index=1)
    page.fill("textarea[name=discussion]", "看中白色，问了贷款方案，周末带家人再来")
    page.select_option("select[name=grade]", "H")
    page.select_option("select[name=channel]", str(Channel.objects.get(code="D").pk))
    page.check("input[name=test_drive]")
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    page.get_by_test_id("visit-row").first.wait_for()

    page.goto(url(live_server, "followups:today"))
    row = page.locator("#upcoming tr", has_text=NAME)
    assert row.locator("td").first.inner_text() == (today + timedelta(days=1)).strftime("%m-%d")
    screenshot(page, "today")
    return Customer.objects.get(phone=NEW_PHONE)


def manager_returns_the_card(page, live_server):
    page.goto(url(live_server, "leads:signoff_queue"))
    row = page.get_by_test_id("signoff-row").filter(has_text=NAME)
    row.locator("textarea[name=comment]").fill("请补充客户的地址")
    row.get_by_role("button", name=zh("Return"), exact=True).click()
    row.get_by_test_id("confirm-yes").click()  # each decision is asked once more (issue 14)
    row.wait_for(state="detached")


def consultant_fixes_the_returned_card(page, live_server):
    page.goto(url(live_server, "leads:returned_cards"))
    row = page.get_by_test_id("returned-row").filter(has_text=NAME)
    assert "请补充客户的地址" in row.inner_text()
    row.get_by_role("link", name=zh("Fix the card"), exact=True).click()
    page.fill("input[name=address]", "上海市浦东新区世纪大道100号")
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    page.wait_for_url("**/customers/*/")


def manager_signs_the_card(page, live_server):
    page.goto(url(live_server, "leads:signoff_queue"))
    screenshot(page, "signoff_queue")
    row = page.get_by_test_id("signoff-row").filter(has_text=NAME)
    row.get_by_role("button", name=zh("Sign"), exact=True).click()
    row.get_by_test_id("confirm-yes").click()  # each decision is asked once more (issue 14)
    row.wait_for(state="detached")


def consultant_logs_a_call_from_today(page, live_server, customer, today):
    page.goto(url(live_server, "followups:today"))
    page.locator("#upcoming tr", has_text=NAME).get_by_test_id("log-contact").click()  # click 1
    page.fill("textarea[name=content]", "电话确认周六到店，贷款预审已提交")
    page.select_option("select[name=grade_after]", "A")
    page.fill("input[name=next_followup_reason]", "周六到店前确认贷款")
    page.get_by_role("button", name=zh("Save"), exact=True).click()  # click 2
    page.wait_for_url("**/followups/today/")

    task = Task.objects.get(customer=customer, status__in=Task.PENDING)
    assert (task.kind, task.due_on) == (Task.Kind.CADENCE, today + timedelta(days=1))  # A: twice every 3 days
    row = page.locator("#upcoming tr", has_text=NAME)
    assert row.locator("td").nth(2).inner_text() == "A"


def consultant_files_a_defeat(page, live_server, customer):
    page.goto(url(live_server, "leads:customer_detail", customer.pk))
    page.get_by_test_id("file-defeat").click()
    page.select_option("select[name=reason]", index=1)
    page.fill("input[name=brand_bought]", "丰田")
    page.fill("input[name=model_bought]", "凯美瑞")
    page.fill("textarea[name=analysis]", "对方优惠多八千，客户决定下周去提车")
    page.get_by_role("button", name=zh("Send the defeat request"), exact=True).click()
    page.get_by_test_id("defeat-pending").wait_for()


def manager_decides_the_defeat(page, live_server, *, approve: bool):
    page.goto(url(live_server, "leads:defeat_queue"))
    item = page.get_by_test_id("defeat-item").filter(has_text=NAME)
    if approve:
        item.get_by_role("button", name=zh("Approve the defeat"), exact=True).click()
    else:
        item.locator("textarea[name=comment]").fill("先别放弃，约他再来试驾一次")
        item.get_by_role("button", name=zh("Reject: back to follow-up"), exact=True).click()
    item.get_by_test_id("confirm-yes").click()  # each decision is asked once more (issue 14)
    item.wait_for(state="detached")


def report_cell(page, consultant, column: str) -> str:
    index = 2 * [c.key for c in DAILY_COLUMNS].index(column)
    return page.locator(f"tr[data-consultant='{consultant.pk}'] td").nth(index).inner_text()


@pytest.mark.parametrize("consultant_size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_day_in_the_showroom(
    open_page, live_server, showroom, consultant, showroom_manager, other_consultant, reception, consultant_size
):
    today = showroom
    sales_manager = UserFactory(username="boss", role=User.Role.SALES_MANAGER)
    at_reception = open_page(reception)
    at_desk = open_page(consultant, size=consultant_size)
    manager = open_page(showroom_manager)

    # 1. Reception registers the walk-in: the rotation suggests alice, the phone tells F from S.
    reception_registers_a_walk_in(at_reception, live_server, consultant)
    # 2. The consultant completes the row; the H prospect is due for follow-up within 24 hours.
    customer = consultant_completes_the_visit(at_desk, live_server, today)
    assert (customer.grade, customer.card_status, customer.consultant) == ("H", "pending", consultant)
    # 3. Returned, fixed, signed.
    manager_returns_the_card(manager, live_server)
    consultant_fixes_the_returned_card(at_desk, live_server)
    manager_signs_the_card(manager, live_server)
    customer.refresh_from_db()
    assert (customer.card_status, customer.card_signed_by, customer.address) == ("signed", showroom_manager, "上海市浦东新区世纪大道100号")
    # 4. A phone call logged from the today page moves the task to the A cadence.
    consultant_logs_a_call_from_today(at_desk, live_server, customer, today)
    at_desk.goto(url(live_server, "leads:customer_detail", customer.pk))
    screenshot(at_desk, f"customer_card_{'phone' if consultant_size is PHONE else 'desktop'}")
    # 5. Defeat: rejected with a comment, filed again, approved.
    consultant_files_a_defeat(at_desk, live_server, customer)
    manager_decides_the_defeat(manager, live_server, approve=False)
    at_desk.goto(url(live_server, "leads:customer_detail", customer.pk))
    assert "约他再来试驾一次" in at_desk.get_by_test_id("defeat-decision-comment").inner_text()
    consultant_files_a_defeat(at_desk, live_server, customer)
    manager_decides_the_defeat(manager, live_server, approve=True)
    at_desk.goto(url(live_server, "leads:customer_detail", customer.pk))
    assert zh("Defeated") in at_desk.locator("main").inner_text()
    assert not Task.objects.filter(customer=customer, status__in=Task.PENDING).exists()
    # 6. A consultant of another team gets the not-found page.
    outsider = open_page(other_consultant, size=consultant_size)
    response = outsider.goto(url(live_server, "leads:customer_detail", customer.pk))
    assert response.status == 404
    assert outsider.get_by_test_id("not-found").is_visible()
    assert NAME not in outsider.content()
    # 7. The sales manager reads the day.
    MonthlyTarget.objects.create(
        consultant=consultant, month=today.replace(day=1), contacts=20, prospecting=5, return_visits=5, test_drives=4, sales=2,
        updated_by=sales_manager,
    )
    boss = open_page(sales_manager)
    boss.goto(url(live_server, "reports:daily", day=today.isoformat()))
    assert report_cell(boss, consultant, "first_visits") == "1"
    assert report_cell(boss, consultant, "test_drives") == "1"
    assert report_cell(boss, consultant, "followups_done") == "1"
    assert report_cell(boss, consultant, "defeats") == "1"
    screenshot(boss, "daily_report")
    boss.goto(url(live_server, "reports:board", month=today.strftime("%Y-%m")))
    cells = boss.locator(f"tr[data-consultant='{consultant.pk}'] td")
    assert cells.nth(2).inner_text() == "2"  # total contacts: the walk-in and the logged contact
    assert cells.nth(11).inner_text() == "1"  # test drives: actual
    assert cells.nth(16).inner_text() == "1"  # funnel: walk-ins
    screenshot(boss, "performance_board")
