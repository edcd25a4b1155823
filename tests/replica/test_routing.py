"""Which requests read from the read replica (api/replica.py), seen from the replica's side: a
server that hangs up, counting each request that tries it. Every request still answers from
the primary, as it must when the replica cannot be reached."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from freezegun import freeze_time

from api.audit.models import AuditAction, AuditEvent
from api.db_router import REPLICA, ReplicaRouter, replica_reads
from clients.models import Client
from tests.helpers import login, unreachable_redis

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"
NEW_CLIENT = {"given_name": "Ada", "family_name": "Moss"}


@pytest.fixture
def through(unreachable_replica, settings):
    """`through(request)` makes the request; it answers whether the request tried the replica,
    and the response. The replica is never taken for down between requests, so that each
    request decides afresh."""
    settings.REPLICA_RETRY_SECONDS = 0

    def tries_replica(make_request):
        before = unreachable_replica.count
        response = make_request()
        assert response.status_code < 500, response.content
        return unreachable_replica.count > before, response

    return tries_replica


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_a_list_tries_the_replica_and_answers_from_the_primary(
    through, as_user, clinician, client_record
):
    tried, response = through(lambda: as_user(clinician).get(CLIENTS))

    assert tried
    assert response.status_code == 200
    assert ids(response) == [str(client_record.pk)]
    assert AuditEvent.objects.filter(
        actor=clinician, action=AuditAction.READ, client_id=client_record.pk, status_code=200
    ).exists()


def test_one_record_is_read_from_the_primary(through, as_user, clinician, client_record):
    tried, response = through(lambda: as_user(clinician).get(f"{CLIENTS}{client_record.pk}/"))
    assert response.status_code == 200
    assert not tried


def test_reports_try_the_replica(through, as_user, clinician, client_record):
    for path in (f"{CLIENTS}{client_record.pk}/progress/", "/api/v1/work-queue/"):
        tried, response = through(lambda path=path: as_user(clinician).get(path))
        assert response.status_code == 200
        assert tried, path


def test_views_that_do_not_say_so_read_from_the_primary(through, as_user, clinician):
    for path in ("/api/v1/auth/me/", f"{CLIENTS}deleted/?since=2026-01-01T00:00:00Z"):
        tried, response = through(lambda path=path: as_user(clinician).get(path))
        assert response.status_code == 200
        assert not tried, path


def test_no_one_signed_in_tries_the_replica(through, api_client):
    tried, response = through(lambda: api_client.get(CLIENTS))
    assert response.status_code == 401
    assert not tried


def test_a_user_who_wrote_reads_from_the_primary_for_a_while(through, as_user, clinician):
    client = as_user(clinician)
    tried, created = through(lambda: client.post(CLIENTS, NEW_CLIENT, format="json"))
    assert created.status_code == 201, created.content
    assert not tried

    tried, response = through(lambda: client.get(CLIENTS))
    assert not tried
    assert ids(response) == [created.json()["id"]]

    window = timedelta(seconds=settings.REPLICA_READ_YOUR_WRITES_SECONDS + 1)
    with freeze_time(timezone.now() + window):
        tried, response = through(lambda: client.get(CLIENTS))
    assert tried
    assert ids(response) == [created.json()["id"]]


def test_a_refused_write_is_no_write(through, as_user, clinician):
    client = as_user(clinician)
    refused = client.post(CLIENTS, {"given_name": ""}, format="json")
    assert refused.status_code == 400

    tried, _ = through(lambda: client.get(CLIENTS))
    assert tried


def test_a_colleagues_write_leaves_my_reads_on_the_replica(through, as_user, clinician, colleague):
    created = as_user(colleague).post(CLIENTS, NEW_CLIENT, format="json")
    assert created.status_code == 201, created.content

    tried, _ = through(lambda: as_user(clinician).get(CLIENTS))
    assert tried


def test_a_sign_in_counts_as_a_write(through, api_client, clinician):
    signed_in = login(clinician.email)
    assert signed_in.status_code == 200, signed_in.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['access']}")

    tried, response = through(lambda: api_client.get(CLIENTS))
    assert response.status_code == 200
    assert not tried


def test_an_unreachable_replica_is_left_alone_for_a_while(
    unreachable_replica, as_user, clinician, client_record
):
    client = as_user(clinician)
    assert client.get(CLIENTS).status_code == 200
    tried = unreachable_replica.count
    assert tried > 0

    response = client.get(CLIENTS)
    assert response.status_code == 200
    assert ids(response) == [str(client_record.pk)]
    assert unreachable_replica.count == tried

    with freeze_time(timezone.now() + timedelta(seconds=settings.REPLICA_RETRY_SECONDS + 1)):
        assert client.get(CLIENTS).status_code == 200
    assert unreachable_replica.count > tried


def test_the_router_sends_reads_to_the_replica_only_when_told():
    router = ReplicaRouter()
    assert router.db_for_read(Client) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Client) == REPLICA
        assert router.db_for_write(Client) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Client) == DEFAULT_DB_ALIAS


def test_the_shared_cache_is_always_read_from_the_primary():
    cache_entry = DatabaseCache("rootwise_cache", {}).cache_model_class
    with replica_reads():
        assert ReplicaRouter().db_for_read(cache_entry) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "clients")
    assert not router.allow_migrate(REPLICA, "clients")


def test_with_the_shared_cache_away_lists_read_from_the_primary_and_writes_answer(
    through, as_user, clinician, client_record
):
    """Redis restarting: whether a user just wrote cannot be told, so reads stay on the primary
    (always current), and a write is answered though it cannot be marked."""
    with unreachable_redis():
        tried, listed = through(lambda: as_user(clinician).get(CLIENTS))
        _, created = through(lambda: as_user(clinician).post(CLIENTS, NEW_CLIENT, format="json"))

    assert not tried
    assert listed.status_code == 200
    assert ids(listed) == [str(client_record.pk)]
    assert created.status_code == 201, created.content
    assert Client.objects.filter(pk=created.json()["id"]).exists()
