"""Double submits: a create sent again with the same Idempotency-Key (a retry after a timeout,
a double click) answers the first response and creates nothing more; the same key with another
body or endpoint is a 422, keys are per user, and an invalid key is a 400."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils.module_loading import import_string

from api.auth.models import User
from assessments.models import Assessment
from clients.models import Client
from sessions.homework.models import Homework, HomeworkTemplate
from sessions.models import Addendum, Session
from tests.hardening.conftest import _client_body, _session_body, as_caller, post
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db


def _homework_body(existing_records):
    return {
        "client": str(existing_records.client_record.pk),
        "strategy": "self_reflection",
        "title": "Three good things",
        "instructions": "Each evening, write down three things that went well.",
    }


def _assessment_body(existing_records):
    return {
        "client": str(existing_records.client_record.pk),
        "instrument": "gad7",
        "administered_on": "2025-06-09",
        "source": "clinician",
        "responses": [1, 2, 1, 0, 1, 2, 1],
    }


def _template_body(existing_records):
    return {
        "strategy": "supportive_relationships",
        "title": "Call a friend",
        "instructions": "Once this week, call someone you trust.",
        "target_roots": ["social_comparison"],
    }


def _user_body(existing_records):
    return new_user()


def _addendum_body(existing_records):
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


@pytest.fixture(params=CREATES)
def create(request, existing_records):
    """One kind of create: who posts it and how, what it creates and the service doing it."""
    url, body, who, model, service, change = CREATES[request.param]
    user = request.getfixturevalue(who)
    return SimpleNamespace(
        user=user,
        api=as_caller(user),
        url=url(existing_records),
        body=body(existing_records),
        other_body={**body(existing_records), **change},
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
