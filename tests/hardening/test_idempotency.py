"""Double submits: a create sent again with the same Idempotency-Key (a retry after a timeout,
a double click) answers the first response and creates nothing more."""

import base64
import pickle
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from api import idempotency
from api.auth.models import User
from assessments.models import Assessment
from clients.models import Client
from sessions.models import Addendum, Homework, HomeworkTemplate, Session
from tests.factories import UserFactory
from tests.hardening.conftest import as_caller, postgresql_only, run_together
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db

KEY = "4f1c2a9e-7b7d-4d3e-9a51-0c1f6b2d8e77"


def post(api, url, body, key=KEY, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return api.post(url, body, format="json", **headers)


def _client_body(records):
    return {"given_name": "Ada", "family_name": "Byron"}


def _session_body(records):
    return {
        "client": str(records.client_record.pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
    }


def _homework_body(records):
    return {
        "client": str(records.client_record.pk),
        "strategy": "self_reflection",
        "title": "Three good things",
        "instructions": "Each evening, write down three things that went well.",
    }


def _assessment_body(records):
    return {
        "client": str(records.client_record.pk),
        "instrument": "gad7",
        "administered_on": "2025-06-09",
        "source": "clinician",
        "responses": [1, 2, 1, 0, 1, 2, 1],
    }


def _template_body(records):
    return {
        "strategy": "supportive_relationships",
        "title": "Call a friend",
        "instructions": "Once this week, call someone you trust.",
        "target_roots": ["social_comparison"],
    }


def _user_body(records):
    return new_user()


def _addendum_body(records):
    return {"text": "Client called later: the deadline was moved."}


# name: (URL, body, who posts, the model created, the service that creates it, another body)
CREATES = {
    "client": (lambda r: "/api/v1/clients/", _client_body, "clinician", Client,
               "clients.services.client_create", {"given_name": "Grace"}),
    "session": (lambda r: "/api/v1/sessions/", _session_body, "clinician", Session,
                "sessions.services.session_create", {"duration_minutes": 45}),
    "homework": (lambda r: "/api/v1/homework/", _homework_body, "clinician", Homework,
                 "sessions.homework.services.homework_assign", {"title": "Other"}),
    "assessment": (lambda r: "/api/v1/assessments/", _assessment_body, "clinician", Assessment,
                   "assessments.services.assessment_record", {"administered_on": "2025-06-10"}),
    "homework template": (lambda r: "/api/v1/homework-templates/", _template_body, "clinician",
                          HomeworkTemplate, "sessions.homework.services.template_create",
                          {"title": "Other"}),
    "user": (lambda r: "/api/v1/users/", _user_body, "admin", User,
             "api.auth.services.user_create", {"full_name": "Other Person"}),
    "session addendum": (lambda r: f"/api/v1/sessions/{r.signed_session.pk}/addenda/",
                         _addendum_body, "clinician", Addendum,
                         "sessions.services.addendum_create", {"text": "Other."}),
}  # fmt: skip


@pytest.fixture
def records(client_record, signed_session):
    return SimpleNamespace(client_record=client_record, signed_session=signed_session)


@pytest.fixture(params=CREATES)
def create(request, records):
    """One kind of create: who posts it and how, what it creates and the service doing it."""
    url, body, who, model, service, change = CREATES[request.param]
    user = request.getfixturevalue(who)
    return SimpleNamespace(
        user=user,
        api=as_caller(user),
        url=url(records),
        body=body(records),
        other_body={**body(records), **change},
        model=model,
        service=service,
    )


def test_a_replay_answers_the_first_response_and_creates_nothing(create):
    first = post(create.api, create.url, create.body)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    count = create.model.objects.count()

    replay = post(create.api, create.url, create.body)

    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert replay["Content-Type"] == first["Content-Type"]
    assert create.model.objects.count() == count
    assert create.model.objects.filter(pk=first.json()["id"]).exists()


def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(create):
    first = post(create.api, create.url, create.body)
    assert first.status_code == 201, first.content
    count = create.model.objects.count()
    response = post(create.api, create.url, create.other_body)

    problem = assert_problem(response, 422)
    assert problem["type"] == "urn:rootwise:problem:idempotency-key-reused"
    assert "Idempotent-Replayed" not in response
    assert create.model.objects.count() == count


def test_the_same_key_on_another_endpoint_is_a_422(clinician, client_record):
    api = as_caller(clinician)
    assert post(api, "/api/v1/clients/", _client_body(None)).status_code == 201
    homework = _homework_body(SimpleNamespace(client_record=client_record))

    response = post(api, "/api/v1/homework/", homework)

    assert_problem(response, 422)
    assert Homework.objects.count() == 0


def test_a_replay_while_the_first_is_still_running_is_a_409(create):
    """The retry arrives while the first request is still inside its create."""
    during = []
    real = import_string(create.service)

    def create_slowly(*args, **kwargs):
        during.append(post(as_caller(create.user), create.url, create.body))
        return real(*args, **kwargs)

    count = create.model.objects.count()
    with mock.patch(create.service, side_effect=create_slowly):
        first = post(create.api, create.url, create.body)

    assert first.status_code == 201, first.content
    (retry,) = during
    problem = assert_problem(retry, 409)
    assert "still being processed" in problem["detail"]
    assert create.model.objects.count() == count + 1
    after = post(create.api, create.url, create.body)
    assert (after.status_code, after.json()) == (201, first.json())
    assert after["Idempotent-Replayed"] == "true"


def test_keys_are_per_user(clinician, colleague):
    mine = post(as_caller(clinician), "/api/v1/clients/", _client_body(None))
    theirs = post(as_caller(colleague), "/api/v1/clients/", _client_body(None))

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Client.objects.get(pk=mine.json()["id"]).primary_clinician == clinician
    assert Client.objects.get(pk=theirs.json()["id"]).primary_clinician == colleague


def test_without_a_key_every_post_creates(clinician):
    api = as_caller(clinician)

    responses = [post(api, "/api/v1/clients/", _client_body(None), key=None) for _ in range(2)]

    assert [response.status_code for response in responses] == [201, 201]
    assert Client.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "clé-1234", "two words", "tab\tinside"],
    ids=["empty", "256 characters", "not ASCII", "a space", "a control character"],
)
def test_an_invalid_key_is_a_400_naming_the_header_and_creates_nothing(clinician, key):
    response = post(as_caller(clinician), "/api/v1/clients/", _client_body(None), key=key)

    assert_problem(response, 400, "Idempotency-Key")
    assert Client.objects.count() == 0


def test_a_key_of_255_visible_characters_is_accepted(clinician):
    key = "".join(chr(33 + index % 94) for index in range(255))
    api = as_caller(clinician)

    first = post(api, "/api/v1/clients/", _client_body(None), key=key)
    replay = post(api, "/api/v1/clients/", _client_body(None), key=key)

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay["Idempotent-Replayed"] == "true"
    assert Client.objects.count() == 1


def test_after_a_server_failure_the_same_key_may_be_retried(clinician):
    real = import_string("clients.services.client_create")
    calls = []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    api = as_caller(clinician)
    with mock.patch("clients.services.client_create", side_effect=fail_once):
        failed = post(api, "/api/v1/clients/", _client_body(None))
        retried = post(api, "/api/v1/clients/", _client_body(None))

    assert_problem(failed, 503)
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert Client.objects.count() == 1


# --- the 24-hour lifetime ----------------------------------------------------------------------

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


@DATABASE_CACHE
def test_a_key_is_kept_for_24_hours(clinician):
    assert idempotency.LIFETIME_SECONDS == 24 * 60 * 60
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    clock, now = cache_clock_moved_by(idempotency.LIFETIME_SECONDS - 60)

    with clock, now:
        replay = post(api, "/api/v1/clients/", _client_body(None))

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Client.objects.count() == 1


@DATABASE_CACHE
def test_after_24_hours_the_key_may_be_used_again(clinician):
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    clock, now = cache_clock_moved_by(idempotency.LIFETIME_SECONDS + 60)

    with clock, now:
        again = post(api, "/api/v1/clients/", {"given_name": "Grace", "family_name": "Hopper"})
        replay = post(api, "/api/v1/clients/", {"given_name": "Grace", "family_name": "Hopper"})

    assert again.status_code == 201, again.content
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]
    assert replay["Idempotent-Replayed"] == "true"  # and the new use is kept in turn
    assert replay.json()["id"] == again.json()["id"]
    assert Client.objects.count() == 2


@DATABASE_CACHE
def test_a_key_survives_other_traffic_in_the_shared_cache(clinician):
    api = as_caller(clinician)
    first = post(api, "/api/v1/clients/", _client_body(None))
    for attempt in range(160):  # sign-ins from a small botnet, as the rate throttle records them
        cache.set(f"throttle_login_203.0.113.{attempt}", [time.time()], timeout=60)

    replay = post(api, "/api/v1/clients/", _client_body(None))

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Client.objects.count() == 1


@DATABASE_CACHE
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
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        cursor.execute(f"SELECT value FROM {table}")  # noqa: S608
        stored = [pickle.loads(base64.b64decode(value)) for (value,) in cursor.fetchall()]  # noqa: S301
    assert stored, "the response was kept in the cache table"
    assert "Pangolinsentinel" not in repr(stored)


# --- retries at the same moment ----------------------------------------------------------------


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


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_retry_from_another_process_while_the_first_runs_is_a_409(practice):
    """The first request is held inside its create until the retry, on another connection,
    has its answer."""
    clinician = UserFactory(practice=practice)
    body = _client_body(None)
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
        try:
            return post(as_caller(clinician), "/api/v1/clients/", body)
        finally:
            retry_answered.set()

    with mock.patch("clients.services.client_create", side_effect=create_when_released):
        first_response, retry_response = run_together(first, retry)

    assert first_response.status_code == 201, first_response.content
    assert_problem(retry_response, 409)
    assert Client.objects.filter(primary_clinician=clinician).count() == 1
    after = post(as_caller(clinician), "/api/v1/clients/", body)
    assert after["Idempotent-Replayed"] == "true"
    assert after.json() == first_response.json()


def test_a_replayed_refusal_is_the_same_problem_document(clinician, client_record):
    """A refused POST is kept like any answer: its replay is the same problem, same type."""
    api = as_caller(clinician)
    body = {"client": str(client_record.pk), "strategy": "nonsense"}
    first = post(api, "/api/v1/homework/", body, key="refused-once")
    replay = post(api, "/api/v1/homework/", body, key="refused-once")

    assert_problem(first, 400, "strategy")
    assert replay["Idempotent-Replayed"] == "true"
    assert_problem(replay, 400, "strategy")
    assert replay.json() == first.json()
