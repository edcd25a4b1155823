"""Who may see and change which session, endpoint by endpoint and action by action.

People with no access to the client (a clinician or an admin of another practice, a colleague
not on the care team, a supervisor who does not supervise the clinician) and the practice's
admin (who reads no clinical content) get 404 everywhere, exactly as for an id that does not
exist; lists simply leave the session out, and creating a session for such a client is a 400 on
`client` indistinguishable from a nonexistent id. The clinician's supervisor reads and cosigns
but writes nothing else (403); a care-team member who did not hold the session reads it and adds
addenda only. Every refused request leaves the stored sessions as they were.
"""

import pytest

from sessions.models import Addendum, Session, SessionRoot
from tests.access import (
    CLINICAL_READERS,
    NO_CLINICAL_ACCESS,
    Create,
    CreateAccess,
    ListAccess,
    ReadAccess,
    Write,
    WriteAccess,
    own_record_keys,
)
from tests.factories import SessionFactory
from tests.helpers import sign_note

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"
SESSION = "/api/v1/sessions/{id}/"


def new_session_body(client_id) -> dict:
    return {
        "client": str(client_id),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["past_failures"],
        "note": {"format": "narrative", "text": "Written by someone else."},
    }


class TestSessionAccess(ListAccess, ReadAccess, WriteAccess, CreateAccess):
    models = (Session, SessionRoot, Addendum)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {SESSIONS: "id", f"{SESSIONS}?client={{client}}": "id"}
    reads = {"retrieve": SESSION}
    writes = {
        "patch": Write(
            "patch",
            SESSION,
            {"duration_minutes": 10, "note": {"format": "narrative", "text": "Overwritten."}},
        ),
        "put": Write("put", SESSION, lambda keys: new_session_body(keys["client"])),
        "delete": Write("delete", SESSION, status=204),
        "sign": Write("post", f"{SESSION}sign/"),
        "cosign": Write("post", f"{SESSION}cosign/", prepare=sign_note),
        "addenda": Write(
            "post", f"{SESSION}addenda/", {"text": "Late entry."}, status=201, prepare=sign_note
        ),
    }
    create = Create(SESSIONS, new_session_body)
    may_write = {
        "clinician": {"patch", "put", "delete", "sign", "addenda", "create"},
        "care_team_member": {"addenda", "create"},
        "supervisor": {"cosign"},
    }

    @pytest.fixture
    def record(self, session_record):
        return session_record

    def own_keys(self, person):
        return own_record_keys(person, SessionFactory)


# --- What the declaration does not say: what each reader sees, what each write stored ----------


def test_session_list_for_the_supervisor_includes_supervisees_sessions(
    supervisor, session_record, as_user
):
    response = as_user(supervisor).get(SESSIONS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == str(session_record.pk)
    assert row["note"]["data"] == session_record.note_sections["data"]


@pytest.mark.parametrize("reader", ["supervisor", "care_team_member"])
def test_session_retrieve_by_the_supervisor_and_care_team_shows_the_note(
    reader, session_record, request, as_user, session_url
):
    response = as_user(request.getfixturevalue(reader)).get(session_url(session_record))

    assert response.status_code == 200
    assert response.json()["note"] == {"format": "dap", **session_record.note_sections}


@pytest.mark.parametrize("writer", ["clinician", "care_team_member"])
def test_session_create_by_the_caseload_is_held_by_its_creator(
    writer, client_record, request, as_user
):
    user = request.getfixturevalue(writer)

    response = as_user(user).post(SESSIONS, new_session_body(client_record.pk), format="json")

    assert response.status_code == 201, response.json()
    assert Session.objects.get().clinician == user


def test_session_addendum_by_a_care_team_member_is_theirs(
    care_team_member, signed_session, as_user, session_url
):
    response = as_user(care_team_member).post(
        session_url(signed_session, "addenda"), {"text": "Late entry."}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Addendum.objects.get().author == care_team_member


def test_session_delete_by_its_clinician_removes_it(session_record, as_user, session_url):
    response = as_user(session_record.clinician).delete(session_url(session_record))

    assert response.status_code == 204
    assert not Session.objects.filter(pk=session_record.pk).exists()


def test_session_cosign_by_the_supervisor_records_them(
    supervisor, signed_session, as_user, session_url
):
    response = as_user(supervisor).post(session_url(signed_session, "cosign"))

    assert response.status_code == 200, response.json()
    signed_session.refresh_from_db()
    assert signed_session.cosigned_by == supervisor
