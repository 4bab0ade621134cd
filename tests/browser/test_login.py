import pytest

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_role_logs_in_and_sees_its_navigation(open_page, live_server, consultant, reception):
    page = open_page(consultant)
    assert page.get_by_test_id("whoami").inner_text().endswith("销售顾问")

    page = open_page(reception)
    assert page.get_by_test_id("whoami").inner_text().endswith("前台")


def test_login_page_works_on_a_phone(open_page, live_server):
    page = open_page(size=PHONE)
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.locator("button[type=submit]").is_visible()
    screenshot(page, "login_phone")
