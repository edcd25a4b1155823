"""The future is not the past: a session may be scheduled ahead, but it is completed (or a
no-show), and its note signed, only once it has started. Refusals are 400s naming the field
and change nothing; progress and the client list count only completed sessions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sessions.models import Session
from tests.factories import SessionFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"
NOTE = {"format": "narrative", "text": "Planned: review the thought record."}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def in_days(days: float) -> datetime:
    return timezone.now() + timedelta(days=days)


def body(client, **fields) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": iso(in_days(7)),
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        **fields,
    }


def only_error(response, field: str, status: int = 400) -> str:
    (error,) = assert_problem(response, status, field)["errors"]
    assert error["field"] == field
    return error["message"]


@pytest.fixture
def upcoming(client_record):
    """A session of `client_record` scheduled a week ahead, its plan already written."""
    return SessionFactory(
        client=client_record,
        starts_at=in_days(7),
        status="scheduled",
        note_format="narrative",
        note_sections={"text": NOTE["text"]},
    )


# --- Create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["scheduled", "cancelled"])
def test_a_future_session_may_be_scheduled_or_cancelled(status, client_record, clinician, as_user):
    why = {"cancellation_reason": "client_cancelled"} if status == "cancelled" else {}
    response = as_user(clinician).post(
        SESSIONS, body(client_record, status=status, **why), format="json"
    )

    assert response.status_code == 201, response.content
    assert Session.objects.get().status == status


@pytest.mark.parametrize("status", ["completed", "no_show"])
def test_a_future_session_cannot_be_created_completed_or_no_show(
    status, client_record, clinician, as_user
):
    response = as_user(clinician).post(
        SESSIONS, body(client_record, status=status, note=NOTE), format="json"
    )

    assert "cannot start in the future" in only_error(response, "starts_at")
    assert not Session.objects.exists()


def test_a_session_that_started_a_minute_ago_can_be_completed(client_record, clinician, as_user):
    starts_at = iso(timezone.now() - timedelta(minutes=1))
    response = as_user(clinician).post(
        SESSIONS, body(client_record, status="completed", starts_at=starts_at), format="json"
    )

    assert response.status_code == 201, response.content


# --- Update ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "no_show"])
def test_a_scheduled_future_session_cannot_be_marked_as_taken_place(
    status, upcoming, as_user, session_url, session_snapshot
):
    before = session_snapshot(upcoming)

    response = as_user(upcoming.clinician).patch(
        session_url(upcoming),
        {"status": status, "roots_addressed": ["perfectionism"]},
        format="json",
    )

    assert "once its time has come" in only_error(response, "status")
    assert session_snapshot(upcoming) == before


def test_a_completed_session_cannot_move_into_the_future(
    session_record, as_user, session_url, session_snapshot
):
    before = session_snapshot(session_record)

    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"starts_at": iso(in_days(1))}, format="json"
    )

    assert "cannot start in the future" in only_error(response, "starts_at")
    assert session_snapshot(session_record) == before


def test_a_put_of_a_completed_session_into_the_future_is_refused(
    session_record, as_user, session_url, session_snapshot
):
    before = session_snapshot(session_record)
    payload = body(session_record.client, status="completed", starts_at=iso(in_days(3)))

    response = as_user(session_record.clinician).put(
        session_url(session_record), payload, format="json"
    )

    only_error(response, "starts_at")
    assert session_snapshot(session_record) == before


def test_a_put_that_keeps_a_future_start_names_the_status(
    upcoming, as_user, session_url, session_snapshot
):
    before = session_snapshot(upcoming)
    payload = body(upcoming.client, status="completed", starts_at=iso(upcoming.starts_at))

    response = as_user(upcoming.clinician).put(session_url(upcoming), payload, format="json")

    only_error(response, "status")
    assert session_snapshot(upcoming) == before


def test_a_completed_session_may_be_rescheduled_into_the_future(
    session_record, as_user, session_url
):
    moment = in_days(2).replace(microsecond=0)
    response = as_user(session_record.clinician).patch(
        session_url(session_record),
        {"starts_at": iso(moment), "status": "scheduled"},
        format="json",
    )

    assert response.status_code == 200, response.content
    stored = Session.objects.get(pk=session_record.pk)
    assert (stored.status, stored.starts_at) == ("scheduled", moment)


def test_a_scheduled_session_is_completed_once_its_time_has_come(
    upcoming, as_user, session_url, monkeypatch
):
    later = upcoming.starts_at + timedelta(minutes=50)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = as_user(upcoming.clinician).patch(
        session_url(upcoming), {"status": "completed"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Session.objects.get(pk=upcoming.pk).status == "completed"


def test_a_session_moved_into_the_past_may_be_completed_in_the_same_request(
    upcoming, as_user, session_url
):
    moment = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    response = as_user(upcoming.clinician).patch(
        session_url(upcoming), {"starts_at": iso(moment), "status": "completed"}, format="json"
    )

    assert response.status_code == 200, response.content
    stored = Session.objects.get(pk=upcoming.pk)
    assert (stored.status, stored.starts_at) == ("completed", moment)


# --- Signing -----------------------------------------------------------------------------------


def test_the_note_of_a_future_session_cannot_be_signed(
    upcoming, as_user, session_url, session_snapshot
):
    before = session_snapshot(upcoming)

    response = as_user(upcoming.clinician).post(session_url(upcoming, "sign"))

    # Whether the session has started is the record's state: a conflict.
    assert "once the session has taken place" in only_error(response, "starts_at", 409)
    assert session_snapshot(upcoming) == before


def test_the_note_is_signed_once_the_session_has_started(
    upcoming, as_user, session_url, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: upcoming.starts_at + timedelta(minutes=5))

    response = as_user(upcoming.clinician).post(session_url(upcoming, "sign"))

    assert response.status_code == 200, response.content
    assert Session.objects.get(pk=upcoming.pk).signed_by == upcoming.clinician


# --- What counts: completed sessions, which have taken place -----------------------------------


def test_progress_and_the_client_list_count_only_completed_sessions(
    session_record, upcoming, client_record, clinician, as_user
):
    # A completed session dated ahead, as one recorded before the rule could be.
    SessionFactory(client=client_record, starts_at=in_days(30), roots_addressed=["perfectionism"])
    SessionFactory(client=client_record, status="cancelled", starts_at=in_days(-1))
    api = as_user(clinician)

    progress = api.get(f"/api/v1/clients/{client_record.pk}/progress/").json()
    (listed,) = api.get("/api/v1/clients/").json()["results"]

    held = session_record.starts_at.date().isoformat()
    assert progress["sessions"] == {"total": 4, "completed": 1, "first": held, "last": held}
    (root,) = [row for row in progress["roots"] if row["root"] == "perfectionism"]
    assert (root["sessions_addressed"], root["first_addressed"], root["last_addressed"]) == (
        1,
        held,
        held,
    )
    assert (listed["sessions_count"], listed["last_session_at"]) == (
        1,
        iso(session_record.starts_at),
    )
