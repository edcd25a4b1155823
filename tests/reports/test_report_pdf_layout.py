"""The page furniture of the PDF progress report: the client's name and page number on every
page, each chart beside its outcome, and no heading left alone at the foot of a page.
Text is read back with pypdf, page by page."""

import datetime
import re

import pytest

from assessments.services import assessment_record
from sessions.homework.services import homework_assign
from tests.factories import ClientFactory, SessionFactory
from tests.reports.conftest import (
    DASH,
    MINUS,
    at,
    day,
    pages,
    pdf_reader,
    report_url,
    responses_for,
)

pytestmark = pytest.mark.django_db


def test_every_page_has_the_client_name_and_its_page_number(history, clinician, as_user):
    texts = pages(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert len(texts) > 2
    for number, text in enumerate(texts, 1):
        assert "Progress report: Harriet Quinlan" in text, number
        assert f"Page {number} of {len(texts)}" in text, number


def test_each_chart_is_on_the_page_of_its_outcome_and_its_table(history, clinician, as_user):
    texts = pages(as_user(clinician).get(report_url(history.client, format="pdf")))
    # Per instrument: its outcome sentence, and the last row of its table.
    outcomes = [
        ("Change from 18 to 8", f"2025-03-03 8 mild {MINUS}10 0"),
        ("Change from 12 to 9", f"2025-03-04 9 mild {MINUS}3"),
        ("Change from 10 to 20", "2025-03-05 20 normal +10"),
        ("Change from 30 to 20", f"2025-03-06 20 — {MINUS}10"),
    ]

    for outcome, last_row in outcomes:
        (page,) = [index for index, text in enumerate(texts) if outcome in text]
        assert last_row in texts[page], outcome
    # A chart is known by its date axis: as many on each page as the outcomes it holds.
    for number, text in enumerate(texts, 1):
        here = sum(outcome in text for outcome, _ in outcomes)
        assert text.count("Date administered") == here, number


HEADINGS = {
    "Standardized measures",
    f"PHQ-9 (total 0{DASH}27, lower is better)",
    "Roots of insecurity",
    "Presenting",
    "Addressed across sessions",
    "Completed sessions by root",
    "Homework adherence",
    "Risk flags",
}


# The measures' introduction: with its heading, it must not end a page either.
INTRODUCTION_END = "Severity bands include both their bounds."


def last_line_of_content(page) -> str:
    """The last line above the page furniture (stamped after the content)."""
    lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    furniture = re.compile(r"^(Progress report: .*|Page \d+ of \d+)$")
    return [line for line in lines if not furniture.match(line)][-1]


def test_no_heading_is_left_alone_at_the_foot_of_a_page(clinician, as_user):
    """As the PHQ-9 table grows a row at a time, the headings after it pass the foot of the
    page; none is ever the last line there."""
    client = ClientFactory(
        primary_clinician=clinician, roots=[("perfectionism", 3), ("past_failures", 2)]
    )
    SessionFactory(client=client, starts_at=at(1, 6), roots_addressed=["perfectionism"])
    homework_assign(by=clinician, client=client, strategy="self_reflection", title="Journal")
    api = as_user(clinician)
    endings = []
    for index in range(12):
        record_phq9 = responses_for("phq9", 10 + index % 5)
        assessment_record(
            by=clinician,
            client=client,
            instrument="phq9",
            administered_on=day(1, 6) + datetime.timedelta(days=7 * index),
            responses=record_phq9,
        )
        reader = pdf_reader(api.get(report_url(client, format="pdf")))
        endings += [last_line_of_content(page) for page in reader.pages[:-1]]

    assert endings, "every report fitted on one page"
    assert not HEADINGS & set(endings), endings
    assert not [ending for ending in endings if ending.endswith(INTRODUCTION_END)], endings
