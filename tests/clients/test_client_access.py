"""Who may see and change which client, endpoint by endpoint.

The matrix: people with no access (a clinician or an admin of another practice, a colleague who
is not on the care team, a supervisor who does not supervise the clinician) get 404 everywhere,
exactly as for an id that does not exist, and lists simply leave the client out; the clinician's
supervisor reads but cannot write (403); the practice's admin manages the administrative fields
but never sees or writes the clinical ones. Every refused write leaves the stored client as it was.
"""

import pytest

from clients.models import Client, PresentingRoot
from tests.access import NO_CLIENT_ACCESS, ListAccess, ReadAccess, Write, WriteAccess
from tests.clients.conftest import CLIENTS, create_for, url
from tests.factories import ClientFactory, UserFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

ONE = "/api/v1/clients/{id}/"
CLINICAL_FIELDS = {"presenting_roots", "sessions_count", "last_session_at"}


def put_body(keys: dict, *, with_roots: bool = True) -> dict:
    body = {
        "given_name": "Replaced",
        "family_name": "Wholesale",
        "intake_date": "2025-01-06",
        "status": "active",
        "primary_clinician": keys["primary_clinician"],
        "care_team": [],
    }
    if with_roots:
        body["presenting_roots"] = [{"root": "past_failures", "severity": 2, "is_primary": True}]
    return body


PATCH_BODY = {
    "given_name": "Changed",
    "presenting_roots": [{"root": "social_comparison", "severity": 1, "is_primary": True}],
}


class TestClientAccess(ListAccess, ReadAccess, WriteAccess):
    models = (Client, PresentingRoot, Client.care_team.through)
    no_access = NO_CLIENT_ACCESS
    readers = ("clinician", "care_team_member", "supervisor", "admin")
    lists = {CLIENTS: "id"}
    reads = {"retrieve": ONE}
    writes = {
        "patch": Write("patch", ONE, PATCH_BODY),
        "put": Write("put", ONE, put_body),
        "delete": Write("delete", ONE, status=204),
    }
    # The admin manages the administrative fields (a write of presenting roots is refused);
    # the caseload and the admin delete a client created by mistake (one with no records).
    may_write = {
        "clinician": {"patch", "put", "delete"},
        "care_team_member": {"patch", "put", "delete"},
        "admin": {"delete"},
    }

    @pytest.fixture
    def record(self, client_record, care_team_member):
        return client_record

    def keys(self, record):
        return {"id": str(record.pk), "primary_clinician": str(record.primary_clinician_id)}

    def own_keys(self, person):
        clinician = person if person.is_clinical else UserFactory(practice=person.practice)
        return {"id": str(ClientFactory(primary_clinician=clinician).pk)}


# --- What the declaration does not say: which fields each reader sees, what a write stored -----


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


@pytest.mark.parametrize("method", ["patch", "put"])
def test_client_write_of_administrative_fields_by_the_admin_succeeds(
    method, admin, client_record, as_user
):
    api = as_user(admin)
    if method == "patch":
        response = api.patch(url(client_record), {"phone": "+44 20 7946 0000"}, format="json")
    else:
        response = api.put(
            url(client_record),
            put_body(
                {"primary_clinician": str(client_record.primary_clinician_id)}, with_roots=False
            ),
            format="json",
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

    response = TestClientAccess.writes["patch"].send(as_user(user), {"id": str(client_record.pk)})

    assert response.status_code == 200, response.json()
    client_record.refresh_from_db()
    assert client_record.given_name == "Changed"
    assert list(client_record.presenting_roots.values_list("root", flat=True)) == [
        "social_comparison"
    ]


@pytest.mark.parametrize(
    ("person", "field"),
    [
        # another practice's clinician may not be named at all
        ("outsider", "primary_clinician"),
        # a colleague or supervisor may, only by joining the care team
        ("colleague", "care_team"),
        ("supervisor", "care_team"),
    ],
    indirect=["person"],
)
def test_client_create_for_someone_elses_caseload_is_400_naming_the_field_and_creates_nothing(
    person, field, clinician, as_user
):
    response = create_for(as_user(person), clinician)

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Client.objects.exists()


def test_client_create_without_credentials_is_401_and_creates_nothing(api_client):
    response = api_client.post(CLIENTS, {"given_name": "Anon"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    assert not Client.objects.exists()
