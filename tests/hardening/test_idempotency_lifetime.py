"""How long an Idempotency-Key is kept: 24 hours, whatever other traffic does; a key whose
request died is in flight for a minute at most, and a write whose answer died with its process
is replayed, never made twice. The response kept holds no clinical text in the clear."""

import base64
import pickle
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.views import APIView

from api.idempotency import mixins as idempotency
from api.idempotency.models import LIFETIME, KeptResponse
from api.idempotency.tasks import purge
from clients.models import Client
from tests.hardening.conftest import _client_body, _session_body, as_caller, post

pytestmark = pytest.mark.django_db


DATABASE_CACHE = pytest.mark.skipif(
    "DatabaseCache" not in settings.CACHES["default"]["BACKEND"],
    reason="moves the clock of the database cache the test settings use",
)


def cache_clock_moved_by(seconds: int):
    """The database cache's clock, `seconds` later: what it stores and what it reads."""
    later_time = time.time() + seconds
    later_now = timezone.now() + timedelta(seconds=seconds)
    clock = SimpleNamespace(time=lambda: later_time)
    return (
        mock.patch("django.core.cache.backends.base.time", clock),
        mock.patch("django.core.cache.backends.db.tz_now", return_value=later_now),
    )


def kept_responses_aged_by(age: timedelta) -> None:
    assert KeptResponse.objects.update(kept_at=F("kept_at") - age)


def test_a_key_is_kept_for_24_hours(clinician):
    assert timedelta(hours=24) == LIFETIME
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    kept_responses_aged_by(LIFETIME - timedelta(minutes=1))

    replay = post(api, "/api/v1/clients/", _client_body(None))

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Client.objects.count() == 1


def test_after_24_hours_the_key_may_be_used_again(clinician):
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    kept_responses_aged_by(LIFETIME + timedelta(minutes=1))

    again = post(api, "/api/v1/clients/", {"given_name": "Grace", "family_name": "Hopper"})
    replay = post(api, "/api/v1/clients/", {"given_name": "Grace", "family_name": "Hopper"})

    assert again.status_code == 201, again.content
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]
    assert replay["Idempotent-Replayed"] == "true"  # and the new use is kept in turn
    assert replay.json()["id"] == again.json()["id"]
    assert Client.objects.count() == 2


def test_the_hourly_purge_deletes_only_responses_past_their_24_hours(clinician):
    api = as_caller(clinician)
    post(api, "/api/v1/clients/", _client_body(None), key="old")
    kept_responses_aged_by(LIFETIME + timedelta(minutes=1))
    kept = post(api, "/api/v1/clients/", _client_body(None), key="recent")

    assert purge() == {"purged": 1}

    assert list(KeptResponse.objects.values_list("status", flat=True)) == [201]
    replay = post(api, "/api/v1/clients/", _client_body(None), key="recent")
    assert (replay["Idempotent-Replayed"], replay.json()) == ("true", kept.json())
    assert settings.CELERY_BEAT_SCHEDULE["idempotency-purge"]["schedule"] == 3600


def test_a_key_survives_other_traffic_in_the_shared_cache(clinician):
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    for attempt in range(160):  # sign-ins from a small botnet, as the rate throttle counts them
        cache.set(f"throttle_login_203.0.113.{attempt}", [time.time()], timeout=60)

    replay = post(api, "/api/v1/clients/", _client_body(None))

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Client.objects.count() == 1


def test_the_kept_response_holds_no_clinical_text_in_the_clear(clinician, client_record):
    note = "Spoke about the Pangolinsentinel incident."
    body = {**_session_body(SimpleNamespace(client_record=client_record)), "status": "completed"}
    body["note"] = {"format": "narrative", "text": note}
    api = as_caller(clinician)

    first = post(api, "/api/v1/sessions/", body)
    replay = post(api, "/api/v1/sessions/", body)

    assert first.json()["note"]["text"] == note
    assert replay.json() == first.json()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {KeptResponse._meta.db_table}")  # noqa: S608
        stored = cursor.fetchall()
        if "DatabaseCache" in settings.CACHES["default"]["BACKEND"]:
            table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
            cursor.execute(f"SELECT value FROM {table}")  # noqa: S608
            stored += [pickle.loads(base64.b64decode(value)) for (value,) in cursor.fetchall()]  # noqa: S301
    assert len(stored) == 1, "the response was kept once"
    assert "Pangolinsentinel" not in repr(stored)


class ProcessDied(BaseException):
    """The worker killed mid-request: nothing after that point runs, not even error handling."""


def _first_request_dies(api) -> None:
    with (
        mock.patch("clients.services.client_create", side_effect=ProcessDied),
        pytest.raises(ProcessDied),
    ):
        post(api, "/api/v1/clients/", _client_body(None))


@DATABASE_CACHE
def test_a_key_whose_request_died_is_in_flight_for_a_minute_at_most(clinician):
    api = as_caller(clinician)
    _first_request_dies(api)

    still = post(api, "/api/v1/clients/", _client_body(None))
    clock, now = cache_clock_moved_by(idempotency.IN_FLIGHT_SECONDS - 5)
    with clock, now:
        later = post(api, "/api/v1/clients/", _client_body(None))

    assert still.status_code == later.status_code == 409
    assert "still being processed" in later.json()["detail"]
    assert Client.objects.count() == 0


@DATABASE_CACHE
def test_after_a_minute_the_key_of_a_request_that_died_runs_once(clinician):
    assert idempotency.IN_FLIGHT_SECONDS == 60
    api = as_caller(clinician)
    _first_request_dies(api)
    clock, now = cache_clock_moved_by(idempotency.IN_FLIGHT_SECONDS + 1)

    with clock, now:
        retry = post(api, "/api/v1/clients/", _client_body(None))
        replay = post(api, "/api/v1/clients/", _client_body(None))

    assert retry.status_code == 201, retry.content
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == retry.json()
    assert Client.objects.count() == 1


@DATABASE_CACHE
@pytest.mark.parametrize("retried_after", [0, idempotency.IN_FLIGHT_SECONDS + 1])
def test_a_write_whose_process_died_before_it_answered_is_replayed_not_made_again(
    clinician, retried_after
):
    """Killed after the commit, before the answer left: the claim was never let go, and the
    retry comes while it holds or after it lapsed."""
    api = as_caller(clinician)
    with (
        mock.patch.object(APIView, "finalize_response", side_effect=ProcessDied),
        pytest.raises(ProcessDied),
    ):
        post(api, "/api/v1/clients/", _client_body(None))
    (written,) = Client.objects.all()
    clock, now = cache_clock_moved_by(retried_after)

    with clock, now:
        retry = post(api, "/api/v1/clients/", _client_body(None))

    assert retry.status_code == 201, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == str(written.pk)
    assert Client.objects.count() == 1


@DATABASE_CACHE
def test_an_answered_key_is_kept_a_day_not_a_minute(clinician):
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    clock, now = cache_clock_moved_by(idempotency.IN_FLIGHT_SECONDS + 60)

    with clock, now:
        replay = post(api, "/api/v1/clients/", _client_body(None))

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Client.objects.count() == 1
