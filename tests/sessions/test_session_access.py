"""Who may see and change which session, endpoint by endpoint and action by action.

The matrix: people with no access to the client (a clinician or an admin of another practice, a
colleague not on the care team, a supervisor who does not supervise the clinician) and the
practice's admin (who reads no clinical content) get 404 everywhere, exactly as for an id that
does not exist; lists simply leave the session out, and creating a session for such a client is
a 400 on `client` indistinguishable from a nonexistent id. The clinician's supervisor reads but
cannot write (403). Every refused request leaves the stored session as it was.
"""

import uuid

import pytest

from sessions.models import Addendum, Session
from tests.factories import ClientFactory, SessionFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"

NO_ACCESS = [
    "other_practice_clinician",
    "other_practice_admin",
    "colleague",
    "other_supervisor",
    "admin",
]
# Each write, with the state of the note in which it would otherwise be allowed.
WRITES = ["patch", "put", "delete", "sign", "cosign", "addenda"]
NEEDS_SIGNED_NOTE = {"cosign", "addenda"}


@pytest.fixture
def other_supervisor(practice):
    """A supervisor of the same practice who does not supervise `clinician`."""
    return SupervisorFactory(practice=practice)


@pytest.fixture
def person(request, outsider, stranger, colleague, other_supervisor, supervisor, admin):
    """The user a parametrized test acts as, by role name."""
    return {
        "other_practice_clinician": outsider,
        "other_practice_admin": stranger,
        "colleague": colleague,
        "other_supervisor": other_supervisor,
        "supervisor": supervisor,
        "admin": admin,
    }[request.param]


@pytest.fixture
def target(request, session_record):
    """`session_record`, signed first when the write (the test's `write` param) needs it."""
    if request.getfixturevalue("write") in NEEDS_SIGNED_NOTE:
        return request.getfixturevalue("signed_session")
    return session_record


def new_session_body(client) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["past_failures"],
        "note": {"format": "narrative", "text": "Written by someone else."},
    }


def send(api, write: str, session: Session, session_url):
    if write == "patch":
        return api.patch(
            session_url(session),
            {"duration_minutes": 10, "note": {"format": "narrative", "text": "Overwritten."}},
            format="json",
        )
    if write == "put":
        return api.put(session_url(session), new_session_body(session.client), format="json")
    if write == "delete":
        return api.delete(session_url(session))
    if write == "addenda":
        return api.post(session_url(session, "addenda"), {"text": "Late entry."}, format="json")
    return api.post(session_url(session, write))


# --- list --------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_session_list_leaves_out_a_session_the_caller_may_not_see(person, session_record, as_user):
    clinician = person if person.is_clinical else UserFactory(practice=person.practice)
    own = SessionFactory(client=ClientFactory(primary_clinician=clinician))
    visible = [] if person.is_admin else [str(own.pk)]

    response = as_user(person).get(SESSIONS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == visible


def test_session_list_for_the_supervisor_includes_supervisees_sessions(
    supervisor, session_record, as_user
):
    response = as_user(supervisor).get(SESSIONS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == str(session_record.pk)
    assert row["note"]["data"] == session_record.note_sections["data"]


# --- retrieve ----------------------------------------------------------------------------------


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_session_retrieve_is_404_as_if_it_did_not_exist(
    person, session_record, as_user, session_url
):
    api = as_user(person)

    response = api.get(session_url(session_record))
    nonexistent = api.get(f"{SESSIONS}{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == nonexistent.json()


@pytest.mark.parametrize("reader", ["supervisor", "care_team_member"])
def test_session_retrieve_by_the_supervisor_and_care_team_shows_the_note(
    reader, session_record, request, as_user, session_url
):
    response = as_user(request.getfixturevalue(reader)).get(session_url(session_record))

    assert response.status_code == 200
    assert response.json()["note"] == {"format": "dap", **session_record.note_sections}


# --- create ------------------------------------------------------------------------------------


def refusal_of(response, client_id) -> list[dict]:
    """The field errors, with the client id taken out of the messages."""
    assert response.status_code == 400, response.json()
    return [
        {**error, "message": error["message"].replace(str(client_id), "<id>")}
        for error in response.json()["errors"]
    ]


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_session_create_for_a_client_the_caller_may_not_see_is_400_like_a_nonexistent_client(
    person, client_record, as_user
):
    api = as_user(person)
    missing = uuid.uuid4()

    response = api.post(SESSIONS, new_session_body(client_record), format="json")
    nonexistent = api.post(
        SESSIONS, {**new_session_body(client_record), "client": str(missing)}, format="json"
    )

    assert refusal_of(response, client_record.pk) == refusal_of(nonexistent, missing)
    assert [error["field"] for error in response.json()["errors"]] == ["client"]
    assert not Session.objects.exists()


def test_session_create_by_the_supervisor_for_a_supervisees_client_is_403(
    supervisor, client_record, as_user
):
    response = as_user(supervisor).post(SESSIONS, new_session_body(client_record), format="json")

    assert response.status_code == 403
    assert response.json()["type"] == "urn:rootwise:problem:permission-denied"
    assert not Session.objects.exists()


@pytest.mark.parametrize("writer", ["clinician", "care_team_member"])
def test_session_create_by_the_caseload_succeeds(writer, client_record, request, as_user):
    user = request.getfixturevalue(writer)

    response = as_user(user).post(SESSIONS, new_session_body(client_record), format="json")

    assert response.status_code == 201, response.json()
    assert Session.objects.get().clinician == user


# --- update, delete and the actions ------------------------------------------------------------


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_session_write_is_404_and_changes_nothing(
    person, write, target, as_user, session_url, session_snapshot
):
    before = session_snapshot(target)

    response = send(as_user(person), write, target, session_url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert session_snapshot(target) == before


@pytest.mark.parametrize("write", ["patch", "put", "delete", "sign", "addenda"])
def test_session_write_by_the_supervisor_is_403_and_changes_nothing(
    write, supervisor, target, as_user, session_url, session_snapshot
):
    before = session_snapshot(target)

    response = send(as_user(supervisor), write, target, session_url)

    assert response.status_code == 403
    assert response.json()["type"] == "urn:rootwise:problem:permission-denied"
    assert session_snapshot(target) == before


@pytest.mark.parametrize("write", ["patch", "put", "delete", "sign", "cosign"])
def test_session_write_by_a_care_team_member_who_is_not_its_clinician_is_403(
    write, care_team_member, target, as_user, session_url, session_snapshot
):
    before = session_snapshot(target)

    response = send(as_user(care_team_member), write, target, session_url)

    assert response.status_code == 403
    assert session_snapshot(target) == before


@pytest.mark.parametrize("write", ["addenda"])
def test_session_addendum_by_a_care_team_member_is_allowed(
    write, care_team_member, target, as_user, session_url
):
    response = send(as_user(care_team_member), write, target, session_url)

    assert response.status_code == 201, response.json()
    assert Addendum.objects.get().author == care_team_member


@pytest.mark.parametrize("write", ["patch", "put", "sign"])
def test_session_write_by_its_clinician_succeeds(write, target, as_user, session_url):
    response = send(as_user(target.clinician), write, target, session_url)

    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("write", ["delete"])
def test_session_delete_by_its_clinician_removes_it(write, target, as_user, session_url):
    response = send(as_user(target.clinician), write, target, session_url)

    assert response.status_code == 204
    assert not Session.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("write", ["cosign"])
def test_session_cosign_by_the_supervisor_succeeds(write, supervisor, target, as_user, session_url):
    response = send(as_user(supervisor), write, target, session_url)

    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert target.cosigned_by == supervisor


# --- anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", None),
        ("post", None),
        ("get", ""),
        ("patch", ""),
        ("put", ""),
        ("delete", ""),
        ("post", "sign"),
        ("post", "cosign"),
        ("post", "addenda"),
    ],
)
def test_session_endpoints_without_credentials_are_401_and_change_nothing(
    method, action, api_client, signed_session, session_url, session_snapshot
):
    before = session_snapshot(signed_session)
    target = SESSIONS if action is None else session_url(signed_session, action)

    response = getattr(api_client, method)(target, {"text": "Anon"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Session.objects.count() == 1
    assert session_snapshot(signed_session) == before
