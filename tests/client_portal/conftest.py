import base64
import hashlib
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
