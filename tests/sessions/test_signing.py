"""The note lifecycle: signing locks a note, addenda append to it, the supervisor co-signs."""

from datetime import datetime

import pytest
from django.utils import timezone

from sessions.models import Addendum, Session
from tests.factories import SessionFactory, SupervisorFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- signing -----------------------------------------------------------------------------------


def test_sign_by_the_sessions_clinician_records_who_and_when(session_record, as_user, session_url):
    before = timezone.now()

    response = as_user(session_record.clinician).post(session_url(session_record, "sign"))

    assert response.status_code == 200, response.json()
    assert response.json()["signed_by"] == str(session_record.clinician.pk)
    session_record.refresh_from_db()
    assert session_record.signed_by == session_record.clinician
    assert before <= session_record.signed_at <= timezone.now()
    assert parse(response.json()["signed_at"]) == session_record.signed_at


def test_sign_twice_is_409_and_keeps_the_first_signature(
    signed_session, as_user, session_url, session_snapshot
):
    before = session_snapshot(signed_session)

    response = as_user(signed_session.clinician).post(session_url(signed_session, "sign"))

    assert response.status_code == 409
    assert response.json()["type"] == "urn:rootwise:problem:conflict"
    assert session_snapshot(signed_session) == before


def test_sign_without_a_note_is_409_and_leaves_it_unsigned(client_record, as_user, session_url):
    session = SessionFactory(client=client_record, note_format="", note_sections={})

    response = as_user(session.clinician).post(session_url(session, "sign"))

    assert response.status_code == 409
    session.refresh_from_db()
    assert (session.signed_at, session.signed_by) == (None, None)


# --- a signed note is locked -------------------------------------------------------------------


LOCKED_WRITES = [
    pytest.param("patch", {"note": {"format": "narrative", "text": "Rewritten."}}, id="patch_note"),
    pytest.param("patch", {"roots_addressed": ["past_failures"]}, id="patch_roots"),
    pytest.param("patch", {"status": "cancelled"}, id="patch_status"),
    pytest.param("put", None, id="put"),
    pytest.param("delete", None, id="delete"),
]


@pytest.mark.parametrize(("method", "payload"), LOCKED_WRITES)
def test_signed_note_cannot_change_or_disappear(
    method, payload, signed_session, as_user, session_url, session_snapshot
):
    before = session_snapshot(signed_session)
    api = as_user(signed_session.clinician)
    if method == "put":
        payload = {
            "client": str(signed_session.client_id),
            "starts_at": "2025-06-02T09:00:00Z",
            "duration_minutes": 20,
            "modality": "phone",
            "kind": "individual",
            "note": {"format": "narrative", "text": "Rewritten."},
        }

    response = getattr(api, method)(session_url(signed_session), payload, format="json")

    assert response.status_code == 409
    assert response.json()["type"] == "urn:rootwise:problem:conflict"
    assert session_snapshot(signed_session) == before
    assert api.get(session_url(signed_session)).json()["note"] == {
        "format": "dap",
        **signed_session.note_sections,
    }


# --- addenda -----------------------------------------------------------------------------------


def test_addendum_on_a_signed_note_records_author_and_time(
    signed_session, as_user, session_url, session_snapshot
):
    note_before = session_snapshot(signed_session)
    before = timezone.now()
    api = as_user(signed_session.clinician)

    response = api.post(
        session_url(signed_session, "addenda"),
        {"text": "Client called later: the deadline was moved."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["text"] == "Client called later: the deadline was moved."
    assert created["author"] == str(signed_session.clinician.pk)
    stored = Addendum.objects.get(pk=created["id"])
    assert stored.session == signed_session
    assert stored.author == signed_session.clinician
    assert before <= stored.created_at <= timezone.now()
    assert parse(created["created_at"]) == stored.created_at
    assert api.get(session_url(signed_session)).json()["addenda"] == [created]
    after = session_snapshot(signed_session)
    # The note is untouched; the session reads differently (its addenda), so a front end that
    # syncs by `updated_since` or holds its ETag learns of it.
    changed = {"addenda", "updated_at"}
    assert {k: v for k, v in after.items() if k not in changed} == {
        k: v for k, v in note_before.items() if k not in changed
    }
    assert after["updated_at"] > note_before["updated_at"]


def test_addenda_accumulate_in_order(signed_session, care_team_member, as_user, session_url):
    as_user(signed_session.clinician).post(
        session_url(signed_session, "addenda"), {"text": "First."}, format="json"
    )
    as_user(care_team_member).post(
        session_url(signed_session, "addenda"), {"text": "Second."}, format="json"
    )

    addenda = as_user(signed_session.clinician).get(session_url(signed_session)).json()["addenda"]

    assert [(a["text"], a["author"]) for a in addenda] == [
        ("First.", str(signed_session.clinician.pk)),
        ("Second.", str(care_team_member.pk)),
    ]


def test_addendum_on_an_unsigned_note_is_409_and_adds_nothing(session_record, as_user, session_url):
    response = as_user(session_record.clinician).post(
        session_url(session_record, "addenda"), {"text": "Too early."}, format="json"
    )

    assert response.status_code == 409
    assert not Addendum.objects.exists()


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"text": None}])
def test_addendum_without_text_is_400(payload, signed_session, as_user, session_url):
    response = as_user(signed_session.clinician).post(
        session_url(signed_session, "addenda"), payload, format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == ["text"]
    assert not Addendum.objects.exists()


def test_addendum_author_cannot_be_chosen(signed_session, care_team_member, as_user, session_url):
    response = as_user(signed_session.clinician).post(
        session_url(signed_session, "addenda"),
        {"text": "Mine.", "author": str(care_team_member.pk)},
        format="json",
    )

    assert response.status_code == 201
    assert Addendum.objects.get().author == signed_session.clinician


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_an_addendum_cannot_be_edited_or_deleted(method, signed_session, as_user, session_url):
    addendum = signed_session.addenda.create(author=signed_session.clinician, text="As written.")
    api = as_user(signed_session.clinician)

    item = getattr(api, method)(
        f"{session_url(signed_session, 'addenda')}{addendum.pk}/",
        {"text": "Rewritten."},
        format="json",
    )
    collection = getattr(api, method)(
        session_url(signed_session, "addenda"), {"text": "Rewritten."}, format="json"
    )

    assert item.status_code in (404, 405)
    assert collection.status_code == 405
    addendum.refresh_from_db()
    assert addendum.text == "As written."
    assert signed_session.addenda.count() == 1


# --- co-signing --------------------------------------------------------------------------------


def test_cosign_by_the_clinicians_supervisor_records_who_and_when(
    signed_session, supervisor, as_user, session_url
):
    before = timezone.now()

    response = as_user(supervisor).post(session_url(signed_session, "cosign"))

    assert response.status_code == 200, response.json()
    assert response.json()["cosigned_by"] == str(supervisor.pk)
    signed_session.refresh_from_db()
    assert signed_session.cosigned_by == supervisor
    assert before <= signed_session.cosigned_at <= timezone.now()
    assert parse(response.json()["cosigned_at"]) == signed_session.cosigned_at


def test_cosign_before_signing_is_409(session_record, supervisor, as_user, session_url):
    response = as_user(supervisor).post(session_url(session_record, "cosign"))

    assert response.status_code == 409
    session_record.refresh_from_db()
    assert (session_record.cosigned_at, session_record.cosigned_by) == (None, None)


def test_cosign_twice_is_409_and_keeps_the_first(
    signed_session, supervisor, as_user, session_url, session_snapshot
):
    api = as_user(supervisor)
    assert api.post(session_url(signed_session, "cosign")).status_code == 200
    before = session_snapshot(signed_session)

    response = api.post(session_url(signed_session, "cosign"))

    assert response.status_code == 409
    assert session_snapshot(signed_session) == before


@pytest.fixture
def supervisor_on_the_team(practice, client_record):
    """A supervisor on the client's care team who does not supervise the session's clinician."""
    other = SupervisorFactory(practice=practice)
    client_record.care_team.add(other, through_defaults={"practice_id": client_record.practice_id})
    return other


@pytest.mark.parametrize("who", ["clinician", "care_team_member", "supervisor_on_the_team"])
def test_cosign_by_anyone_but_the_clinicians_supervisor_is_403(
    who, signed_session, request, as_user, session_url, session_snapshot
):
    before = session_snapshot(signed_session)

    response = as_user(request.getfixturevalue(who)).post(session_url(signed_session, "cosign"))

    assert response.status_code == 403
    assert session_snapshot(signed_session) == before


def test_addendum_on_a_cosigned_note_is_still_allowed(
    signed_session, supervisor, as_user, session_url
):
    Session.objects.filter(pk=signed_session.pk).update(
        cosigned_at=timezone.now(), cosigned_by=supervisor
    )

    response = as_user(signed_session.clinician).post(
        session_url(signed_session, "addenda"), {"text": "After co-signature."}, format="json"
    )

    assert response.status_code == 201
