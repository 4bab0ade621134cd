import pytest
from django.urls import reverse

from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_logs_in_and_lands_on_its_page_with_its_navigation(open_page, live_server, consultant, reception):
    page = open_page(consultant)
    assert page.url.endswith(reverse("followups:today"))
    assert page.locator(f"#main-nav a[href='{reverse('followups:today')}']").is_visible()
    assert page.locator(f"#main-nav a[href='{reverse('leads:customer_list')}']").count() == 1

    page = open_page(reception)
    assert page.url.endswith(reverse("leads:visit_register"))
    assert page.locator(f"#main-nav a[href='{reverse('followups:today')}']").count() == 0
    assert page.locator(f"#main-nav a[href='{reverse('leads:customer_list')}']").count() == 0


def test_login_page_works_on_a_phone(open_page, live_server):
    page = open_page(size=PHONE)
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.locator("button[type=submit]").is_visible()
    screenshot(page, "login_phone")
