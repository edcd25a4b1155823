"""Who may see and change which client, endpoint by endpoint.

The matrix: people with no access (a clinician or an admin of another practice, a colleague who
is not on the care team, a supervisor who does not supervise the clinician) get 404 everywhere,
exactly as for an id that does not exist, and lists simply leave the client out; the clinician's
supervisor reads but cannot write (403); the practice's admin manages the administrative fields
but never sees or writes the clinical ones. Every refused write leaves the stored client as it was.
"""

import uuid

import pytest

from clients.models import Client
from tests.factories import ClientFactory, UserFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"
CLINICAL_FIELDS = {"presenting_roots", "sessions_count", "last_session_at"}

# Nobody here may see `client_record`.
NO_ACCESS = [
    "other_practice_clinician",
    "other_practice_admin",
    "colleague",
    "other_supervisor",
]


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


def url(client) -> str:
    return f"{CLIENTS}{client.pk}/"


def put_body(client: Client, *, with_roots: bool = True) -> dict:
    body = {
        "given_name": "Replaced",
        "family_name": "Wholesale",
        "intake_date": client.intake_date.isoformat(),
        "status": "active",
        "primary_clinician": str(client.primary_clinician_id),
        "care_team": [],
    }
    if with_roots:
        body["presenting_roots"] = [{"root": "past_failures", "severity": 2, "is_primary": True}]
    return body


def patch_body(client: Client) -> dict:
    return {
        "given_name": "Changed",
        "presenting_roots": [{"root": "social_comparison", "severity": 1, "is_primary": True}],
    }


def write(api, method: str, client: Client):
    if method == "patch":
        return api.patch(url(client), patch_body(client), format="json")
    if method == "put":
        return api.put(url(client), put_body(client), format="json")
    return api.delete(url(client))


# --- list --------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_client_list_leaves_out_a_client_the_caller_may_not_see(person, client_record, as_user):
    if person.is_clinical:
        own = ClientFactory(primary_clinician=person)
    else:
        own = ClientFactory(primary_clinician=UserFactory(practice=person.practice))

    response = as_user(person).get(CLIENTS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(own.pk)]


def test_client_list_for_the_supervisor_includes_supervisees_clients_with_clinical_fields(
    supervisor, client_record, as_user
):
    response = as_user(supervisor).get(CLIENTS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == str(client_record.pk)
    assert row["presenting_roots"] == [
        {"root": "perfectionism", "severity": 4, "is_primary": True, "note": ""}
    ]


def test_client_list_for_the_admin_includes_every_client_of_the_practice_without_clinical_fields(
    admin, client_record, colleague, stranger, as_user
):
    colleagues_client = ClientFactory(primary_clinician=colleague, roots=[("past_failures", 2)])
    ClientFactory(primary_clinician=UserFactory(practice=stranger.practice))

    response = as_user(admin).get(CLIENTS)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {str(client_record.pk), str(colleagues_client.pk)}
    for row in rows:
        assert CLINICAL_FIELDS.isdisjoint(row)
        assert row["given_name"]


# --- retrieve ----------------------------------------------------------------------------------


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_client_retrieve_is_404_as_if_it_did_not_exist(person, client_record, as_user):
    api = as_user(person)

    response = api.get(url(client_record))
    nonexistent = api.get(f"{CLIENTS}{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == nonexistent.json()
    assert response.json()["status"] == 404


def test_client_retrieve_by_the_supervisor_shows_clinical_fields(
    supervisor, client_record, as_user
):
    response = as_user(supervisor).get(url(client_record))

    assert response.status_code == 200
    assert set(response.json()) >= CLINICAL_FIELDS


def test_client_retrieve_by_the_supervisor_covers_clients_where_the_supervisee_is_on_the_team(
    supervisor, clinician, colleague, as_user
):
    shared = ClientFactory(primary_clinician=colleague, care_team=[clinician])

    assert as_user(supervisor).get(url(shared)).status_code == 200


def test_client_retrieve_by_the_admin_shows_administrative_fields_only(
    admin, client_record, as_user
):
    response = as_user(admin).get(url(client_record))

    assert response.status_code == 200
    body = response.json()
    assert CLINICAL_FIELDS.isdisjoint(body)
    assert body["family_name"] == client_record.family_name
    assert body["primary_clinician"] == str(client_record.primary_clinician_id)


# --- update (PATCH, PUT) and delete --------------------------------------------------------------


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_client_write_is_404_and_changes_nothing(
    person, method, client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)

    response = write(as_user(person), method, client_record)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client_snapshot(client_record) == before


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_client_write_by_the_supervisor_is_403_and_changes_nothing(
    method, supervisor, client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)

    response = write(as_user(supervisor), method, client_record)

    assert response.status_code == 403
    assert response.json()["type"] == "urn:rootwise:problem:permission-denied"
    assert client_snapshot(client_record) == before


@pytest.mark.parametrize("method", ["patch", "put"])
def test_client_write_of_presenting_roots_by_the_admin_is_403_and_changes_nothing(
    method, admin, client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)

    response = write(as_user(admin), method, client_record)

    assert response.status_code == 403
    assert client_snapshot(client_record) == before


@pytest.mark.parametrize("method", ["patch", "put"])
def test_client_write_of_administrative_fields_by_the_admin_succeeds(
    method, admin, client_record, as_user
):
    api = as_user(admin)
    if method == "patch":
        response = api.patch(url(client_record), {"phone": "+44 20 7946 0000"}, format="json")
    else:
        response = api.put(
            url(client_record), put_body(client_record, with_roots=False), format="json"
        )

    assert response.status_code == 200, response.json()
    assert CLINICAL_FIELDS.isdisjoint(response.json())
    client_record.refresh_from_db()
    if method == "patch":
        assert client_record.phone == "+44 20 7946 0000"
    else:
        assert (client_record.given_name, client_record.family_name) == ("Replaced", "Wholesale")
    # The clinical side is untouched by an administrative write.
    assert list(client_record.presenting_roots.values_list("root", flat=True)) == ["perfectionism"]


def test_client_delete_by_the_admin_removes_an_empty_client(admin, client_record, as_user):
    assert as_user(admin).delete(url(client_record)).status_code == 204
    assert not Client.objects.filter(pk=client_record.pk).exists()


@pytest.mark.parametrize("who", ["primary_clinician", "care_team_member"])
def test_client_write_by_the_caseload_succeeds(who, client_record, care_team_member, as_user):
    user = client_record.primary_clinician if who == "primary_clinician" else care_team_member

    response = write(as_user(user), "patch", client_record)

    assert response.status_code == 200, response.json()
    client_record.refresh_from_db()
    assert client_record.given_name == "Changed"
    assert list(client_record.presenting_roots.values_list("root", flat=True)) == [
        "social_comparison"
    ]


# --- create ------------------------------------------------------------------------------------


def test_client_create_naming_another_practices_clinician_is_400_and_creates_nothing(
    outsider, clinician, as_user
):
    response = as_user(outsider).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["primary_clinician"]
    assert not Client.objects.exists()


@pytest.mark.parametrize("person", ["colleague", "supervisor"], indirect=True)
def test_client_create_for_someone_elses_caseload_without_joining_the_team_is_400(
    person, clinician, as_user
):
    response = as_user(person).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["care_team"]
    assert not Client.objects.exists()


# --- anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "detail"),
    [
        ("get", False),
        ("post", False),
        ("get", True),
        ("patch", True),
        ("put", True),
        ("delete", True),
    ],
)
def test_client_endpoints_without_credentials_are_401_and_change_nothing(
    method, detail, api_client, client_record, client_snapshot
):
    before = client_snapshot(client_record)
    target = url(client_record) if detail else CLIENTS

    response = getattr(api_client, method)(target, {"given_name": "Anon"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    assert Client.objects.count() == 1
    assert client_snapshot(client_record) == before
