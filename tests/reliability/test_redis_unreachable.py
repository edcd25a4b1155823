"""Redis, the shared cache, unreachable (restarting, say): the API keeps answering. Reads and
plain writes work; rate throttles let requests pass uncounted; what must be counted or claimed
before it runs, a password check (the lock-out) or an Idempotency-Key, is refused with a 503
and does nothing. (tests/topology/run restarts a real Redis under load.)"""

from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.test import Client as Browser

from api.auth.models import User
from clients.models import Client
from tests.hardening.conftest import _client_body, as_caller, post
from tests.helpers import assert_problem, login, refresh, unreachable_redis

pytestmark = pytest.mark.django_db


def test_sign_in_is_refused_with_a_503_rather_than_unguarded(clinician):
    with unreachable_redis():
        response = login(clinician.email)

    assert_problem(response, 503)
    assert "access" not in response.json()
    assert User.objects.get(pk=clinician.pk).last_login is None


def test_a_refresh_passes_the_uncounted_throttle(clinician):
    signed_in = login(clinician.email)
    assert signed_in.status_code == 200, signed_in.content

    with unreachable_redis():
        refreshed = refresh(signed_in.json()["refresh"])

    assert refreshed.status_code == 200, refreshed.content
    assert refreshed.json()["access"]


def test_a_post_with_an_idempotency_key_is_refused_and_writes_nothing(clinician):
    with unreachable_redis():
        response = post(as_caller(clinician), "/api/v1/clients/", _client_body(None))

    assert_problem(response, 503)
    assert not Client.objects.exists()


def test_reads_and_writes_without_a_key_work(clinician, client_record):
    api = as_caller(clinician)
    with unreachable_redis():
        created = post(api, "/api/v1/clients/", _client_body(None), key=None)
        listed = api.get("/api/v1/clients/")

    assert created.status_code == 201, created.content
    assert listed.status_code == 200, listed.content
    assert {client["id"] for client in listed.json()["results"]} == {
        str(client_record.pk),
        created.json()["id"],
    }


def test_a_measure_link_is_answered_without_its_rate_counted(db):
    with unreachable_redis():
        response = Browser().get("/m/no-such-link-0000000000000000000000000/")

    assert response.status_code == 404
    assert b"contact your clinician" in response.content.lower()


def test_a_write_done_before_redis_went_away_is_answered_not_a_500(clinician):
    """The key was claimed, the write committed, then its claim could not be let go."""
    cache_gone_after_claim = mock.Mock(wraps=cache)
    cache_gone_after_claim.delete.side_effect = redis.exceptions.ConnectionError("gone")
    api = as_caller(clinician)
    with mock.patch("api.idempotency.mixins.cache", cache_gone_after_claim):
        response = post(api, "/api/v1/clients/", _client_body(None))
    retry = post(api, "/api/v1/clients/", _client_body(None))

    assert response.status_code == 201, response.content
    assert Client.objects.filter(pk=response.json()["id"]).exists()
    assert (retry["Idempotent-Replayed"], retry.json()) == ("true", response.json())
    assert Client.objects.count() == 1
