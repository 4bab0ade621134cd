"""The daily loop, clicked in real Chromium (zh-hans interface): issue 12's two journeys.

1. A care task closed from the today page in at most three clicks: the daily job gives a delivered
   customer their seven-day care milestone; the consultant (desktop and phone) opens the today page,
   clicks "Done…" on the task, keeps the prefilled form, saves. The row leaves the today page and the
   contact is on the owner's card.
2. A repeat visitor proposed to their own consultant: the duty rotation's next is amy, but the phone
   reception types belongs to alice's customer, so the lookup proposes alice and the party is hers.
   When reception gives the party to amy instead, alice and her showroom manager get a notice on their
   today page.
"""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from followups.models import Task
from followups.services import followups_run_daily
from leads.models import Contact, Customer, DutySlot, Visit
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import prospect_create
from tests.owners.conftest import delivered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 3
OWNER_NAME = "周海燕"
OWNER_PHONE = "13622223333"
REPEAT_PHONE = "13733334444"
REPEAT_NAME = "高建华"
RESULT = "周六上午10点来做首保"


def zh(msgid: str) -> str:
    """What the zh-hans interface shows for `msgid` (so the journeys follow the catalogue's wording)."""
    with override("zh-hans"):
        return gettext(msgid)


def url(live_server, name, *args):
    return live_server.url + reverse(name, args=args)


class Clicks:
    """Every click of a journey goes through here, so the test can say how many it took."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


# --- 1. a care task from the today page --------------------------------------------------------


@pytest.fixture
def care_task(reference_data, consultant):
    """alice's customer took delivery a week ago; the daily job has made today's care-milestone task."""
    today = timezone.localdate()
    owner = delivered(
        consultant, delivered_on=today - timedelta(days=7), name=OWNER_NAME, phone=OWNER_PHONE,
        first_contact_on=today - timedelta(days=30),
    )
    assert owner.status == Customer.Status.DELIVERED
    followups_run_daily(day=today)
    task = Task.objects.get(customer=owner, kind=Task.Kind.CARE_MILESTONE, due_on=today)
    assert task.status == Task.Status.OPEN and task.assignee == consultant
    # The two-day milestone of the same delivery is overdue by now: it must stay on the page.
    earlier = Task.objects.get(customer=owner, kind=Task.Kind.CARE_MILESTONE, due_on=today - timedelta(days=5))
    return task, earlier


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_care_task_is_closed_from_the_today_page_in_three_clicks_at_most(
    open_page, live_server, consultant, care_task, size
):
    task, earlier = care_task
    page = open_page(consultant, size=size)
    page.goto(url(live_server, "followups:today"))
    row = page.locator("#due-today").get_by_test_id(f"task-{task.pk}")
    assert OWNER_NAME in row.inner_text() and zh("Owner care milestone") in row.inner_text()
    assert page.locator("#overdue").get_by_test_id(f"task-{earlier.pk}").is_visible()
    if size is DESKTOP:
        screenshot(page, "daily-loop-care")

    click = Clicks()
    click(row.get_by_role("link", name=zh("Done…"), exact=True))  # click 1: the task's short form
    page.wait_for_url("**/tasks/*/**")
    # The form is prefilled for a care call: by phone, now, the milestone's purpose as the content.
    assert page.locator("select[name=method]").input_value() == Contact.Method.PHONE
    assert page.locator("textarea[name=content]").input_value() == task.reason
    assert page.locator("input[name=contacted_at]").input_value()
    page.fill("input[name=result]", RESULT)  # typing, not a click
    if size is PHONE:
        screenshot(page, "daily-loop-care-form-phone")
    click(page.get_by_role("button", name=zh("Save and close the task"), exact=True))  # click 2: saved
    page.wait_for_url("**/followups/today/")
    assert click.count <= MAX_CLICKS, f"closing a care task took {click.count} clicks"

    # Back on the today page: the task is gone, the overdue one of the same owner still there.
    assert zh("Contact logged; task done.") in page.get_by_role("alert").inner_text()
    assert page.get_by_test_id(f"task-{task.pk}").count() == 0
    assert page.get_by_test_id(f"task-{earlier.pk}").is_visible()
    if size is PHONE:
        screenshot(page, "daily-loop-care-phone")
    task.refresh_from_db()
    contact = Contact.objects.get(customer=task.customer)
    assert (task.status, task.contact) == (Task.Status.DONE, contact)
    assert (contact.method, contact.content, contact.result, contact.consultant) == (
        Contact.Method.PHONE, task.reason, RESULT, consultant)

    # The owner's card: the care task done; the contact in the card's contact list.
    page.goto(url(live_server, "owners:owner_detail", task.customer_id))
    done = page.locator("li", has_text=f"{task.due_on:%Y-%m-%d} · {zh('Owner care milestone')}")
    assert zh("Done") in done.inner_text()
    page.goto(url(live_server, "leads:customer_detail", task.customer_id))
    contacts = page.get_by_test_id("contacts").inner_text()
    assert task.reason in contacts and RESULT in contacts and str(consultant) in contacts


# --- 2. a repeat visitor and their own consultant ----------------------------------------------


@pytest.fixture
def rotation(reference_data, team, consultant, teammate, showroom_manager, reception):
    """amy is next in today's rotation; the visitor is alice's prospect, in the showroom last week (S)."""
    today = timezone.localdate()
    DutySlot.objects.create(day=today, consultant=teammate, position=1)
    DutySlot.objects.create(day=today, consultant=consultant, position=2)
    prospect = prospect_create(consultant=consultant, phone=REPEAT_PHONE, name=REPEAT_NAME, grade=Customer.Grade.H)
    Visit.objects.create(
        visit_date=today - timedelta(days=7), arrived_at=time(10), left_at=time(10, 30), consultant=consultant,
        customer=prospect, customer_consultant=consultant, completed_at=timezone.now() - timedelta(days=7),
        created_by=consultant,
    )
    return prospect


def reception_types_the_repeat_visitors_phone(page, live_server, *, own, next_in_rotation):
    """The register proposes the rotation's next; the typed phone turns it to the customer's consultant."""
    page.goto(url(live_server, "leads:visit_register"))
    consultant_picker = page.locator("select[name=consultant]")
    assert page.get_by_test_id("rotation-suggestion").inner_text() == str(next_in_rotation)
    assert consultant_picker.input_value() == str(next_in_rotation.pk)

    page.fill("input[name=party_size]", "2")
    page.fill("input[name=phone]", REPEAT_PHONE)
    page.wait_for_function("document.querySelector('#phone-mark').innerText.trim() === 'S'")  # htmx, as typed
    page.get_by_role("button", name=zh("Look up the phone's consultant"), exact=True).click()  # htmx
    owner_line = page.get_by_test_id("phone-owner")
    owner_line.wait_for()
    assert (zh("%(name)s's customer") % {"name": own}) in owner_line.inner_text()
    assert page.get_by_test_id("rotation-suggestion").inner_text() == str(own)
    assert consultant_picker.input_value() == str(own.pk)
    assert page.get_by_test_id("phone-mark").inner_text() == "S"
    assert page.locator("input[name=phone]").input_value() == REPEAT_PHONE  # what was typed is kept
    assert page.locator("input[name=party_size]").input_value() == "2"
    assert REPEAT_NAME not in page.content()  # reception learns the consultant's name, nothing of the card


def reception_adds_the_party(page):
    page.get_by_role("button", name=zh("Add party"), exact=True).click()
    row = page.get_by_test_id("visit-row").first
    row.wait_for()
    return row


def test_a_repeat_visitor_is_proposed_to_their_own_consultant(
    open_page, live_server, rotation, consultant, teammate, reception
):
    at_reception = open_page(reception)
    reception_types_the_repeat_visitors_phone(at_reception, live_server, own=consultant, next_in_rotation=teammate)
    screenshot(at_reception, "repeat-visitor")

    row = reception_adds_the_party(at_reception)
    cells = row.locator("td")
    assert cells.nth(3).inner_text() == "S"
    assert cells.nth(4).inner_text() == str(consultant)
    assert row.get_by_test_id("customer-consultant").count() == 0
    visit = Visit.objects.get(visit_date=timezone.localdate())
    assert (visit.consultant, visit.customer_consultant, visit.phone, visit.is_first_visit) == (
        consultant, consultant, REPEAT_PHONE, False)


def test_a_repeat_visitor_given_to_another_consultant_shows_on_their_own_consultants_today_page(
    open_page, live_server, rotation, consultant, teammate, showroom_manager, reception
):
    at_reception = open_page(reception)
    reception_types_the_repeat_visitors_phone(at_reception, live_server, own=consultant, next_in_rotation=teammate)
    # alice is busy with someone: reception gives the party to amy all the same.
    at_reception.select_option("select[name=consultant]", str(teammate.pk))
    row = reception_adds_the_party(at_reception)
    assert row.locator("td").nth(4).inner_text().startswith(str(teammate))
    assert row.get_by_test_id("customer-consultant").inner_text() == zh("%(name)s's customer") % {"name": consultant}
    visit = Visit.objects.get(visit_date=timezone.localdate())
    assert (visit.consultant, visit.customer_consultant) == (teammate, consultant)

    # alice, on her phone, sees who received her customer; so does her showroom manager.
    taken_by = zh("received by %(taker)s") % {"taker": teammate}
    at_desk = open_page(consultant, size=PHONE)
    at_desk.goto(url(live_server, "followups:today"))
    notice = at_desk.locator("#notices").get_by_test_id("visit-notice")
    assert notice.count() == 1 and taken_by in notice.inner_text()
    assert zh("Your customers' visits taken by another consultant") in at_desk.locator("#notices h2").inner_text()
    notice.scroll_into_view_if_needed()
    screenshot(at_desk, "repeat-visitor-notice-phone")

    manager = open_page(showroom_manager)
    manager.goto(url(live_server, "followups:today"))
    notice = manager.locator("#notices").get_by_test_id("visit-notice")
    assert notice.count() == 1 and taken_by in notice.inner_text() and str(consultant) in notice.inner_text()

    # amy, who took the party, gets no notice about it.
    taker = open_page(teammate)
    taker.goto(url(live_server, "followups:today"))
    assert taker.get_by_test_id("visit-notice").count() == 0
    screenshot(taker, "today_taker")


# --- 3. a walk-in completed from the today page on a phone ------------------------------------


def test_a_walk_in_is_completed_from_the_today_page_on_a_phone(open_page, live_server, reference_data, consultant, reception):
    from leads.register_services import visit_add

    visit = visit_add(by=reception, visit_date=timezone.localdate(), arrived_at=time(0, 1), consultant=consultant, party_size=2)
    page = open_page(consultant, size=PHONE)
    page.goto(url(live_server, "followups:today"))
    row = page.get_by_test_id(f"walk-in-{visit.pk}")
    button = row.get_by_test_id("complete-walk-in")
    box = button.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"], "the complete button is on the screen"
    button.click()
    page.wait_for_url(f"**/registers/visits/{visit.pk}/complete/")
    page.fill("input[name=left_at]", "00:30")
    page.fill("input[name=name]", "林晓")
    page.fill("input[name=phone]", "13844445555")
    page.select_option("select[name=grade]", "B")
    page.select_option("select[name=channel]", index=1)
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    page.wait_for_load_state()
    visit.refresh_from_db()
    assert visit.completed_at is not None and visit.customer.name == "林晓"
    page.goto(url(live_server, "followups:today"))
    assert page.get_by_test_id(f"walk-in-{visit.pk}").count() == 0
    screenshot(page, "walk-in-completed-phone")
