"""Recording sessions: the defaults, notes in every format read back exactly, and who may be named
as the session's clinician."""

from datetime import UTC, datetime

import pytest

from sessions.models import Session
from tests.helpers import error_fields
from tests.sessions.conftest import NOTES, SESSIONS, session_body

pytestmark = pytest.mark.django_db


def test_session_create_fills_in_the_defaults(client_record, clinician, as_user):
    response = as_user(clinician).post(SESSIONS, session_body(client_record), format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["clinician"] == str(clinician.pk)
    assert created["client"] == str(client_record.pk)
    assert created["status"] == "scheduled"
    assert created["risk_level"] == "none"
    assert created["note"] is None
    assert created["roots_addressed"] == []
    assert created["addenda"] == []
    assert created["signed_at"] is None
    assert created["signed_by"] is None
    stored = Session.objects.get(pk=created["id"])
    assert stored.clinician == clinician
    assert stored.starts_at == datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    assert (stored.note_format, stored.note_sections) == ("", {})


@pytest.mark.parametrize("note_format", sorted(NOTES))
def test_session_note_round_trips_exactly_in_every_format(
    note_format, client_record, clinician, as_user
):
    api = as_user(clinician)
    note = NOTES[note_format]

    created = api.post(
        SESSIONS,
        session_body(client_record, note=note, roots_addressed=["perfectionism", "past_failures"]),
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["note"] == note
    fetched = api.get(f"{SESSIONS}{created.json()['id']}/").json()
    assert fetched["note"] == note
    assert fetched["roots_addressed"] == ["perfectionism", "past_failures"]
    stored = Session.objects.get(pk=created.json()["id"])
    assert stored.note_format == note_format
    assert stored.note_sections == {key: value for key, value in note.items() if key != "format"}


def test_session_note_can_change_format_before_signing(session_record, as_user, session_url):
    api = as_user(session_record.clinician)

    response = api.patch(session_url(session_record), {"note": NOTES["soap"]}, format="json")

    assert response.status_code == 200, response.json()
    assert api.get(session_url(session_record)).json()["note"] == NOTES["soap"]


def test_session_note_null_means_no_note_yet(session_record, as_user, session_url):
    response = as_user(session_record.clinician).patch(
        session_url(session_record), {"note": None}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["note"] is None
    session_record.refresh_from_db()
    assert (session_record.note_format, session_record.note_sections) == ("", {})


def test_session_create_for_a_care_team_colleague_as_clinician(
    client_record, clinician, care_team_member, as_user
):
    response = as_user(clinician).post(
        SESSIONS, session_body(client_record, clinician=str(care_team_member.pk)), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Session.objects.get().clinician == care_team_member


def test_session_create_naming_a_clinician_off_the_caseload_is_400(
    client_record, clinician, colleague, as_user
):
    response = as_user(clinician).post(
        SESSIONS, session_body(client_record, clinician=str(colleague.pk)), format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == ["clinician"]
    assert not Session.objects.exists()
