import base64
import hashlib
import os
import re

import pytest

from tests.factories import MeasureInvitationFactory

# What every page of a measure link answers with, whatever the page.
PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
CSP_DIRECTIVES = {
    "default-src 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
}

PHQ9_CALM = [1, 0, 2, 1, 0, 1, 0, 0, 0]  # total 5, item 9 "Not at all"
PHQ9_AT_RISK = [1, 0, 2, 1, 0, 1, 0, 0, 2]  # item 9 "More than half the days"
GAD7 = [0, 1, 1, 0, 2, 0, 1]


def link(token: str) -> str:
    return f"/m/{token}/"


def form_data(answers: dict) -> dict:
    """The questionnaire's form as a browser posts it: one field per item, `<code>-<index>`."""
    return {
        f"{code}-{index}": str(value)
        for code, values in answers.items()
        for index, value in enumerate(values)
        if value is not None
    }


def assert_page_headers(response) -> None:
    for header, value in PAGE_HEADERS.items():
        assert response[header] == value, header
    directives = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert directives >= CSP_DIRECTIVES, directives
    assert not any(d.startswith("script-src") for d in directives), directives
    (style,) = [d for d in directives if d.startswith("style-src ")]
    inline = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)
    if inline:  # the page's own style is the one allowed, by its hash
        digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
        assert style == f"style-src 'sha256-{digest}'"


@pytest.fixture
def invitation(client_record):
    """A PHQ-9 link sent to `client_record` (of `practice`), open for a week; `.token`."""
    client_record.email = "client@example.test"
    client_record.save(update_fields=["email"])
    return MeasureInvitationFactory(client=client_record)


CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make test` installs it)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium, one per test module. While Playwright's synchronous API is started,
    its event loop counts as running in this thread, and Django refuses database access from
    a thread with a running loop: the module's own database calls are all synchronous, so the
    guard is lifted for the module, and set back once Playwright has stopped."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        patch.undo()


@pytest.fixture
def open_page(chromium):
    """`open_page(url, width=…, javascript=…)`: a fresh context's page at `url`. The test
    fails if the browser reports a Content-Security-Policy violation (a style not applied)."""
    contexts = []
    refused = []

    def open_at(url: str, *, width: int = 1280, height: int = 800, javascript: bool = True):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(url)
        return page

    yield open_at
    for context in contexts:
        context.close()
    assert not refused, refused
