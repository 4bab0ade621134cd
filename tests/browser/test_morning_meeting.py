"""The morning meeting in real Chromium (zh-hans, 1366×768): grouped by consultant, narrowed by a click
on a summary number, cleared again (issue 14, item 4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from followups.models import Task
from leads.models import Customer
from tests.browser.conftest import DESKTOP, screenshot
from tests.factories import prospect_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MORNING = reverse("followups:morning")


def zh(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def _due(customer, day, status=Task.Status.OPEN):
    Task.objects.filter(customer=customer, status__in=Task.PENDING).update(due_on=day, status=status)


@pytest.fixture
def meeting_day(reference_data, consultant, teammate, other_consultant):
    """alice: an H prospect overdue and a B due today; amy: one due today; charlie (another team): overdue."""
    today = timezone.localdate()
    late = prospect_create(consultant=consultant, grade=Customer.Grade.H, name="逾期客户", phone="13800001111")
    _due(late, today - timedelta(days=2), Task.Status.OVERDUE)
    due = prospect_create(consultant=consultant, grade=Customer.Grade.B, name="今天客户")
    _due(due, today)
    amys = prospect_create(consultant=teammate, grade=Customer.Grade.B, name="队友今天")
    _due(amys, today)
    charlies = prospect_create(consultant=other_consultant, grade=Customer.Grade.H, name="别组客户")
    _due(charlies, today - timedelta(days=1), Task.Status.OVERDUE)
    assert Task.objects.filter(customer__in=[late, due, amys, charlies], status__in=Task.PENDING).count() == 4
    return {"late": late, "due": due, "amys": amys}


def test_the_manager_runs_the_meeting_grouped_and_narrows_it_from_the_summary(
    open_page, live_server, showroom_manager, consultant, teammate, meeting_day
):
    # given the meeting, one section per consultant of the team
    page = open_page(showroom_manager, size=DESKTOP)
    page.goto(live_server.url + MORNING)
    alice = page.get_by_test_id(f"consultant-{consultant.username}")
    amy = page.get_by_test_id(f"consultant-{teammate.username}")
    assert page.get_by_test_id("consultant-charlie").count() == 0 and "别组客户" not in page.content()
    # alice has overdue work: open; amy has none: closed, her counts in the header
    assert alice.get_by_text("逾期客户").first.is_visible() and alice.get_by_text("今天客户").first.is_visible()
    assert not amy.get_by_text("队友今天").first.is_visible()
    assert zh("Due today") in amy.get_by_test_id("section-counts").inner_text()
    assert alice.locator("a[href^='tel:']").first.inner_text() == "138 0000 1111"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "morning_meeting_grouped")
    # a click on amy's header opens her section
    amy.get_by_test_id("toggle").click()
    amy.get_by_text("队友今天").first.wait_for(state="visible")

    # when the manager clicks alice's overdue number in the summary
    page.get_by_test_id(f"row-{consultant.username}").get_by_test_id("figure-overdue").click()
    page.wait_for_load_state()

    # then only alice's overdue list shows, and the filter says so
    assert page.url.endswith(f"{MORNING}?consultant={consultant.pk}&list=overdue")
    chip = page.get_by_test_id("meeting-filter")
    assert str(consultant) in chip.inner_text() and zh("Overdue") in chip.inner_text()
    assert page.get_by_test_id(f"consultant-{teammate.username}").count() == 0
    sections = page.get_by_test_id("consultant-sections")
    assert sections.get_by_text("逾期客户").first.is_visible() and sections.get_by_text("今天客户").count() == 0
    screenshot(page, "morning_meeting_filtered")

    # the name leads to the card
    card = reverse("leads:customer_detail", args=[meeting_day["late"].pk])
    assert sections.locator(f'a[href="{card}"]').count() == 1

    # and clearing the filter brings the whole meeting back
    page.get_by_test_id("filter-clear").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + MORNING
    assert page.get_by_test_id("meeting-filter").count() == 0
    assert page.get_by_test_id(f"consultant-{teammate.username}").count() == 1

    # printed (A4): every section open, the controls gone, the print title on top
    amy = page.get_by_test_id(f"consultant-{teammate.username}")
    assert not amy.get_by_text("队友今天").first.is_visible()  # closed again on the fresh page
    page.emulate_media(media="print")
    assert amy.get_by_text("队友今天").first.is_visible()
    assert page.get_by_test_id("print-title").is_visible()
    assert not page.get_by_role("button", name=zh("Print")).is_visible()
    screenshot(page, "morning_meeting_print")
