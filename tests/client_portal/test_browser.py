"""The measure link's pages in a real browser (headless Chromium) against a live server:
completed with the keyboard alone, usable at 320 px, and free of WCAG 2.2 A/AA violations that
axe-core can find.

`ROOTWISE_UPDATE_PAGE_IMAGES=1 pytest tests/client_portal/test_browser.py` also writes the
screenshots in docs/ (measures-*.png); look at them before committing."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment
from tests.client_portal.conftest import PHQ9_AT_RISK, link

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
IMAGES = Path(settings.BASE_DIR) / "docs"
UPDATE_IMAGES = bool(os.environ.get("ROOTWISE_UPDATE_PAGE_IMAGES"))

pytestmark = pytest.mark.django_db(transaction=True)


def url(live_server, invitation) -> str:
    return live_server.url + link(invitation.token)


def assert_no_violations(page) -> None:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def screenshot(page, name: str) -> None:
    if UPDATE_IMAGES:
        page.screenshot(path=IMAGES / f"measures-{name}.png", full_page=True)


def answer_with_the_keyboard(page, answers: list[int]) -> None:
    """Tab into each question's group, choose with the arrow keys (Space for the first
    answer), and send with Enter on the button."""
    for number, value in enumerate(answers, start=1):
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        assert focused == [f"phq9-{number - 1}", "0"]
        if value == 0:
            page.keyboard.press("Space")
        for _ in range(value):
            page.keyboard.press("ArrowDown")
        checked = page.locator(f'input[name="phq9-{number - 1}"]:checked')
        assert checked.get_attribute("value") == str(value)
        # The focus is visible: the chosen answer's box is outlined.
        outline = page.evaluate(
            "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
        )
        assert outline == "solid"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Send my answers"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_client_completes_the_questionnaire_with_the_keyboard_alone(
    live_server, invitation, open_page
):
    page = open_page(url(live_server, invitation))

    answer_with_the_keyboard(page, PHQ9_AT_RISK)

    assert page.get_by_role("heading", level=1).text_content() == "Please read this now"
    assert invitation.practice.crisis_message in page.get_by_role("alert").text_content()
    stored = Assessment.objects.get(invitation=invitation)
    assert stored.responses == PHQ9_AT_RISK
    assert stored.source == "client_self_report"


@pytest.mark.parametrize("instruments", [["phq9"], ["phq9", "gad7", "rses", "roots5"]])
def test_the_questionnaire_is_usable_at_320_px_and_has_no_wcag_violations(
    live_server, invitation, open_page, instruments
):
    invitation.instruments = instruments
    invitation.save(update_fields=["instruments"])

    for width in (320, 1280):
        page = open_page(url(live_server, invitation), width=width)
        assert page.title() == f"Questionnaire from {invitation.practice.name}"
        assert page.locator("fieldset").count() == sum(
            len(INSTRUMENTS[code].items) for code in instruments
        )
        assert_no_horizontal_scroll(page)
        assert_no_violations(page)
        if instruments == ["phq9"]:
            screenshot(page, f"questionnaire-{width}")


def test_unanswered_questions_are_listed_and_linked_without_wcag_violations(
    live_server, invitation, open_page
):
    invitation.instruments = ["phq9", "gad7"]
    invitation.save(update_fields=["instruments"])
    page = open_page(url(live_server, invitation), width=320)
    page.locator('input[name="gad7-3"][value="2"]').check()

    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()

    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").count() == 9 + 6
    assert page.locator('input[name="gad7-3"][value="2"]').is_checked()
    assert_no_horizontal_scroll(page)
    assert_no_violations(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#phq9-0-0"


def test_the_thank_you_page_with_the_crisis_text_has_no_wcag_violations(
    live_server, invitation, open_page
):
    page = open_page(url(live_server, invitation), width=320)
    for index, value in enumerate(PHQ9_AT_RISK):
        page.locator(f'input[name="phq9-{index}"][value="{value}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()

    crisis = page.get_by_role("alert")
    assert crisis.get_by_role("heading", level=1).text_content() == "Please read this now"
    assert_no_horizontal_scroll(page)
    assert_no_violations(page)
    screenshot(page, "thank-you-crisis-320")


def test_the_page_of_an_expired_link_has_no_wcag_violations(live_server, invitation, open_page):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save(update_fields=["expires_at"])

    page = open_page(url(live_server, invitation), width=320)

    assert page.title() == "This link no longer works"
    assert_no_horizontal_scroll(page)
    assert_no_violations(page)
    screenshot(page, "closed-320")
