"""Retries at the same moment with one Idempotency-Key: exactly one record is created, and a retry
while the first request runs (in another process too) is a 409. A request that outlives its
claim writes nothing if a retry wrote first."""

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils.module_loading import import_string

from clients.models import Client
from tests.factories import UserFactory
from tests.hardening.conftest import _client_body, as_caller, post, postgresql_only, run_together
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_create_exactly_one_record(practice):
    clinician = UserFactory(practice=practice)
    body = _client_body(None)
    attempts = 4

    responses = run_together(
        *[lambda: post(as_caller(clinician), "/api/v1/clients/", body)] * attempts
    )

    statuses = sorted(response.status_code for response in responses)
    created = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(created) == 1, statuses
    assert set(statuses) <= {201, 409}, statuses
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
        elif response is not created[0]:
            assert response.json() == created[0].json()
    assert Client.objects.filter(primary_clinician=clinician).count() == 1


def first_held_while_a_retry_runs(clinician, body, before_retry=lambda: None) -> tuple:
    """The first request's answer and the retry's: the first is held inside its create until
    the retry, on another connection, has its answer; `before_retry` runs as the retry is sent."""
    real = import_string("clients.services.client_create")
    inside_create, retry_answered = threading.Event(), threading.Event()

    def create_when_released(*args, **kwargs):
        if not inside_create.is_set():  # the first request to get here waits for the retry
            inside_create.set()
            assert retry_answered.wait(timeout=10)
        return real(*args, **kwargs)

    def first():
        return post(as_caller(clinician), "/api/v1/clients/", body)

    def retry():
        assert inside_create.wait(timeout=10)
        before_retry()
        try:
            return post(as_caller(clinician), "/api/v1/clients/", body)
        finally:
            retry_answered.set()

    with mock.patch("clients.services.client_create", side_effect=create_when_released):
        return run_together(first, retry)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_retry_from_another_process_while_the_first_runs_is_a_409(practice):
    clinician = UserFactory(practice=practice)
    body = _client_body(None)

    first_response, retry_response = first_held_while_a_retry_runs(clinician, body)

    assert first_response.status_code == 201, first_response.content
    assert_problem(retry_response, 409)
    assert Client.objects.filter(primary_clinician=clinician).count() == 1
    after = post(as_caller(clinician), "/api/v1/clients/", body)
    assert after["Idempotent-Replayed"] == "true"
    assert after.json() == first_response.json()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_request_that_outlived_its_claim_is_refused_when_a_retry_wrote_first(practice):
    """The first request is held inside its create past its claim's minute (the claim lapses
    as the retry is sent); the retry takes the key and commits. The first's write is rolled
    back: the key writes once."""
    clinician = UserFactory(practice=practice)
    body = _client_body(None)

    first_response, retry_response = first_held_while_a_retry_runs(
        clinician, body, before_retry=cache.clear
    )

    assert retry_response.status_code == 201, retry_response.content
    assert "Idempotent-Replayed" not in retry_response
    assert "answered first" in assert_problem(first_response, 409)["detail"]
    (stored,) = Client.objects.filter(primary_clinician=clinician)
    assert str(stored.pk) == retry_response.json()["id"]
    after = post(as_caller(clinician), "/api/v1/clients/", body)
    assert after["Idempotent-Replayed"] == "true"
    assert after.json() == retry_response.json()
