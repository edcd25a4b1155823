"""Deleted clients, for a front end that syncs: `GET /clients/deleted/?since=` lists, from the
audit trail, the clients deleted since a moment that the caller was served."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from clients.models import Client
from tests.factories import ClientFactory
from tests.helpers import assert_problem
from tests.sync.conftest import moment

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"
DELETED = "/api/v1/clients/deleted/"


def deleted_since(api, since) -> list[dict]:
    response = api.get(DELETED, {"since": moment(since)})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def synced_then_deleted(clinician, as_user):
    """A client `clinician` listed, then deleted: (client id, a moment before the deletion)."""
    client = ClientFactory(primary_clinician=clinician)
    api = as_user(clinician)
    assert str(client.pk) in {row["id"] for row in api.get(CLIENTS).json()["results"]}
    before = timezone.now()
    assert api.delete(f"{CLIENTS}{client.pk}/").status_code == 204
    assert not Client.objects.filter(pk=client.pk).exists()
    return str(client.pk), before


def test_a_deleted_client_is_listed_with_when(synced_then_deleted, clinician, as_user):
    client_id, before = synced_then_deleted

    (row,) = deleted_since(as_user(clinician), before)

    assert row["id"] == client_id
    assert before <= datetime.fromisoformat(row["deleted_at"]) <= timezone.now()


def test_without_a_moment_every_deletion_is_listed(synced_then_deleted, clinician, as_user):
    client_id, _ = synced_then_deleted

    response = as_user(clinician).get(DELETED)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [client_id]


def test_a_deletion_before_the_moment_is_not_listed(synced_then_deleted, clinician, as_user):
    assert deleted_since(as_user(clinician), timezone.now() + timedelta(seconds=1)) == []


def test_only_callers_who_were_served_the_client_learn_of_its_deletion(
    synced_then_deleted, colleague, outsider, stranger, as_user
):
    _, before = synced_then_deleted

    for someone in (colleague, outsider, stranger):
        assert deleted_since(as_user(someone), before) == []


def test_everyone_who_was_served_the_client_learns_of_its_deletion(clinician, admin, as_user):
    client = ClientFactory(primary_clinician=clinician)
    assert as_user(admin).get(f"{CLIENTS}{client.pk}/").status_code == 200
    before = timezone.now()

    assert as_user(clinician).delete(f"{CLIENTS}{client.pk}/").status_code == 204

    assert [row["id"] for row in deleted_since(as_user(admin), before)] == [str(client.pk)]


def test_a_refused_deletion_is_not_a_deletion(clinician, as_user, session_record):
    client = session_record.client
    api = as_user(clinician)
    api.get(CLIENTS)
    before = timezone.now()

    assert api.delete(f"{CLIENTS}{client.pk}/").status_code == 409

    assert deleted_since(api, before) == []


@pytest.mark.parametrize("query", [{"since": ""}, {"since": "2026-03-02T09:30:00"}])
def test_an_empty_or_ambiguous_moment_is_refused(query, clinician, as_user):
    assert_problem(as_user(clinician).get(DELETED, query), 400, "since")


def test_an_unknown_parameter_is_refused(clinician, as_user):
    response = as_user(clinician).get(DELETED, {"since": moment(timezone.now()), "client": "x"})

    assert_problem(response, 400, "client")
