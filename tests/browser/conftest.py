"""Playwright driving Debian's Chromium against the app served by pytest-django's live_server.

A missing browser is a failure, never a skip. Every page is watched: a JavaScript console error or
a failed request (4xx/5xx for a static file or a page load) fails the test.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required for the browser journeys (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


class PageProblems(list):
    def watch(self, page, base_url: str):
        # "Failed to load resource" duplicates a response seen below, where a wanted 404 page is allowed.
        page.on(
            "console",
            lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and self.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda exc: self.append(f"page error: {exc}"))

        def on_response(response):
            # 404 pages the journey asks for on purpose are checked by the journey itself.
            if response.status >= 400 and response.url.startswith(base_url) and "/static/" in response.url:
                self.append(f"{response.status} {response.url}")
            elif response.status >= 500 and response.url.startswith(base_url):
                self.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        def on_failed(request):
            # A request cut short because the page moved on or closed first (a favicon still loading
            # when the journey navigates) is no missing file.
            if request.failure != "net::ERR_ABORTED":
                self.append(f"failed: {request.url} ({request.failure})")

        page.on("requestfailed", on_failed)


@pytest.fixture
def open_page(browser, live_server, request):
    """open_page(user, size=DESKTOP) -> a logged-in page in zh-hans; problems are asserted at teardown."""
    contexts, problems = [], PageProblems()

    def _open(user=None, *, size=DESKTOP, password="test-pass-123"):
        context = browser.new_context(viewport=size, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems.watch(page, live_server.url)
        if user is not None:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
