"""The period a PDF progress report covers (completed sessions and administrations, on the
practice's calendar) and its homework counts.
Text is read back with pypdf, page by page."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from sessions.homework.services import homework_assign, homework_close
from tests.factories import ClientFactory, SessionFactory
from tests.reports.conftest import at, report_url, text_of

pytestmark = pytest.mark.django_db


def test_period_covered_ends_at_the_last_completed_session_or_administration(
    history, clinician, as_user
):
    # history: last administration 6 March; a session is scheduled for 7 April.
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert "Period covered 2025-01-06 to 2025-03-06" in text


def test_period_covered_ignores_scheduled_and_cancelled_sessions(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=client, starts_at=at(1, 2), status="cancelled", note_format="")
    SessionFactory(client=client, starts_at=at(1, 9))
    SessionFactory(client=client, starts_at=at(6, 1), status="scheduled", note_format="")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Period covered 2025-01-09 to 2025-01-09" in text


def test_period_covered_of_a_client_with_only_a_scheduled_session(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=client, starts_at=at(6, 1), status="scheduled", note_format="")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Period covered No records yet" in text


def test_the_report_dates_sessions_on_the_practices_calendar(clinician, as_user):
    """23:30 in New York on 11 May is 03:30 UTC on 12 May: the report says 11 May throughout."""
    clinician.practice.time_zone = "America/New_York"
    clinician.practice.save()
    client = ClientFactory(primary_clinician=clinician)
    evening = datetime.datetime(2025, 5, 11, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    SessionFactory(client=client, starts_at=evening, roots_addressed=["perfectionism"])

    text = text_of(as_user(clinician).get(report_url(client, format="pdf", include="notes")))

    assert "Period covered 2025-05-11 to 2025-05-11" in text
    assert "11 May 2025 —" in text  # the session's note heading
    assert "2025-05-12" not in text
    assert "(America/New_York)" in text  # when it was generated, on the practice's clock


def test_homework_shows_outstanding_cancelled_and_how_many_ratings_a_mean_rests_on(
    clinician, as_user
):
    client = ClientFactory(primary_clinician=clinician)
    for helpfulness in (3, 4):
        homework = homework_assign(
            by=clinician, client=client, strategy="self_reflection", title="Journal"
        )
        homework_close(homework=homework, by=clinician, status="completed", helpfulness=helpfulness)
    cancelled = homework_assign(
        by=clinician, client=client, strategy="self_reflection", title="Letter"
    )
    homework_close(homework=cancelled, by=clinician, status="cancelled")
    homework_assign(by=clinician, client=client, strategy="self_reflection", title="Walk")
    homework_assign(by=clinician, client=client, strategy="realistic_goals", title="One step")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert (
        "Strategy Assigned Completed Partly Not done Outstanding Cancelled Completion "
        "Mean helpfulness (0-10)"
    ) in text
    assert "Self-reflection 3 2 0 0 1 1 100% 3.5 from 2 ratings" in text
    assert "Setting realistic goals 1 0 0 0 1 0 — no ratings" in text
    assert "All strategies 4 2 0 0 2 1 100% 3.5 from 2 ratings" in text
