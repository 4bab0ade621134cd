"""The staff pages in real Chromium (zh-hans): a leaver's book handed over from a desktop and a phone."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from leads.models import Customer
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import prospect_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


def fits_the_width(page) -> bool:
    """Nothing but the tables' own scroll boxes is wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_hands_over_part_of_a_book_and_lands_back_on_it(
    reference_data, open_page, live_server, consultant, teammate, showroom_manager, size
):
    # given alice with three prospects, one of them ticked for amy
    customers = [prospect_create(consultant=consultant, grade=Customer.Grade.H) for _n in range(3)]
    page = open_page(showroom_manager, size=size)
    page.goto(live_server.url + reverse("staff:staff_list"))
    assert fits_the_width(page)
    name = "desktop" if size == DESKTOP else "phone"
    screenshot(page, f"staff_list_{name}")
    page.click(f'a[href="{reverse("staff:holder_book", args=[consultant.pk])}"]')
    assert fits_the_width(page)
    screenshot(page, f"staff_book_{name}")
    # when the manager ticks one customer, chooses amy and a reason and hands over
    page.check(f'input[name=selected][value="{customers[0].pk}"]')
    page.check(f'input[name=to][value="{teammate.pk}"]')
    page.select_option("select[name=reason]", "resignation")
    page.click(f'#handover-form button[type=submit]:has-text("{zh("Hand over")}")')
    page.wait_for_load_state()
    # then they are back on the book, which holds the two others
    assert page.url == live_server.url + reverse("staff:holder_book", args=[consultant.pk])
    assert Customer.objects.get(pk=customers[0].pk).consultant == teammate
    assert Customer.objects.filter(consultant=consultant).count() == 2
