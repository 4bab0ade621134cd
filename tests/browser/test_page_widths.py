"""Every menu page fits a 1366 px laptop screen: the document itself never scrolls sideways (a wide
table may scroll inside its own `.table-responsive` box). The visit register on a phone is one card
per party. Run on the demo dealership (demo/ seed_demo's builders), whose names and eight consultants
make the tables as wide as in a showroom.
"""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm_project.navigation import nav_links
from demo.management.commands.seed_demo import BUILDERS
from demo.staff import DEMO_PASSWORD, build_staff
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["reception", "consultant1", "showroom1", "salesmgr"]  # one demo user of each role


@pytest.fixture
def dealership(reference_data):
    rng = random.Random(2026)
    staff = build_staff()
    for build in BUILDERS:
        build(rng=rng, today=timezone.localdate(), staff=staff)
    return staff


def page_width(page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, window: window.innerWidth,"
        " widest: [...document.querySelectorAll('body *')]"
        "  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-responsive'))"
        "  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))})"
    )


# The pages of a day also opened on yesterday: early in the morning today's register is still empty.
DAY_PAGES = {"leads:visit_register", "leads:phone_register", "reports:daily"}


def pages_of(user) -> list[str]:
    yesterday = timezone.localdate() - timedelta(days=1)
    urls = []
    for link in nav_links(user):
        urls.append(link["url"])
        if link["name"] in DAY_PAGES:
            urls.append(f"{link['url']}?day={yesterday:%Y-%m-%d}")
    return urls


def test_every_menu_page_fits_1366_pixels_for_every_role(open_page, live_server, dealership):
    too_wide = []
    for username in ROLES:
        user = dealership[username]
        page = open_page(user, size=DESKTOP, password=DEMO_PASSWORD)
        for path in pages_of(user):
            response = page.goto(live_server.url + path)
            assert response.ok, f"{username} {path}: {response.status}"
            width = page_width(page)
            if width["scroll"] > width["window"] + 1:
                too_wide.append(f"{username} {path}: {width['scroll']} px > {width['window']} {width['widest']}")
        page.context.close()
    assert not too_wide, "\n".join(too_wide)


def register_of_yesterday(live_server) -> str:
    return f"{live_server.url}{reverse('leads:visit_register')}?day={timezone.localdate() - timedelta(days=1):%Y-%m-%d}"


def test_visit_register_is_one_card_per_party_on_a_phone(open_page, live_server, dealership):
    page = open_page(dealership["showroom1"], size=PHONE, password=DEMO_PASSWORD)
    page.goto(register_of_yesterday(live_server))

    rows = page.get_by_test_id("visit-row")
    assert rows.count() > 3
    assert not page.locator("[data-testid=visit-rows] thead").is_visible()
    for index in range(rows.count()):
        card = rows.nth(index)
        assert card.evaluate("row => getComputedStyle(row).display") == "flex"
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"card {index} off the screen"
        for hidden in (7, 8, 10, 11):  # model, discussion, channel, test drive: on the desktop table only
            assert not card.locator("td").nth(hidden).is_visible()
    button = page.locator("[data-testid=visit-row] .card-action a").first
    box = button.bounding_box()
    assert button.is_visible() and box["x"] + box["width"] <= PHONE["width"], "the complete button is on the screen"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "visit_register_phone")

    page.set_viewport_size(DESKTOP)
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert page.locator("[data-testid=visit-rows] thead").is_visible()
    assert rows.first.locator("td").nth(8).is_visible()
    screenshot(page, "visit_register_desktop")


# Words the Chinese interface shows as they are: the product's name, the presets' and brands' models,
# file types, VIN and DM (as the manuals write them).
LATIN_KEPT = {"CRM", "SVW", "Lotus", "VIN", "DM", "xlsx", "csv", "Model", "RAV", "SUV", "VIP", "PLUS", "Pro", "Max"}


def latin_words(page) -> set[str]:
    # Data shown as it is stored (a file's name) is marked `data-raw` and left out.
    text = page.evaluate(
        "() => { let text = document.body.innerText;"
        " document.querySelectorAll('[data-raw]').forEach(e => { text = text.split(e.innerText).join(' '); });"
        " return text; }"
    )
    import re

    return {word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in LATIN_KEPT}


def test_the_chinese_interface_shows_no_english_word(open_page, live_server, dealership):
    found = []
    for username in ROLES:
        user = dealership[username]
        page = open_page(user, size=DESKTOP, password=DEMO_PASSWORD)
        for path in pages_of(user):
            page.goto(live_server.url + path)
            words = latin_words(page)
            if words:
                found.append(f"{username} {path}: {sorted(words)[:12]}")
        page.context.close()
    assert not found, "\n".join(found)
