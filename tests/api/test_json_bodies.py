"""Bodies that are JSON by the grammar but not Unicode text: a string with a lone surrogate
escape (`"\\ud800"`) is a 400 problem on every endpoint, never a 500 further in; and at sign-in
such an attempt still counts toward the lock-out and is audited."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from api.auth.views import LoginView
from api.throttles import lockout
from tests.helpers import TOKEN_URL, assert_problem, login

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"


def post_raw(client: APIClient, url: str, body: str, **extra):
    return client.post(url, body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\ud800@x", "password": "p"}',
        '{"\\ud800": 1, "email": "a@x", "password": "p"}',
    ],
    ids=["in a value", "in a key"],
)
def test_a_lone_surrogate_at_sign_in_is_a_400_problem(body):
    assert_problem(post_raw(APIClient(), TOKEN_URL, body), 400)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/clients/", '{"given_name": "A", "family_name": "B", "status": "\\ud800"}'),
        ("/api/v1/users/", '{"email": "n@x.test", "full_name": "N", "role": "\\udbff"}'),
    ],
)
def test_a_lone_surrogate_is_a_400_problem_on_every_endpoint(as_user, admin, url, body):
    """Choice fields echo the value refused, which could not then be encoded (a 500)."""
    assert_problem(post_raw(as_user(admin), url, body), 400)


def test_a_paired_surrogate_escape_is_ordinary_text(as_user, clinician):
    body = '{"given_name": "Ren\\ud83d\\ude00", "family_name": "Okafor"}'

    response = post_raw(as_user(clinician), "/api/v1/clients/", body)

    assert response.status_code == 201, response.content
    assert response.json()["given_name"] == "Ren\U0001f600"


def test_malformed_sign_ins_are_counted_and_audited(clinician):
    bodies = ['{"email": "\\ud800@x", "password": "p"}', "{not json", "[]"]
    with mock.patch.object(LoginView, "throttle_classes", []):  # only the lock-out counts
        for attempt in range(lockout.ADDRESS_LIMIT):
            body = bodies[attempt % len(bodies)]
            assert_problem(post_raw(APIClient(), TOKEN_URL, body, REMOTE_ADDR=ADDRESS), 400)

        assert_problem(login(clinician.email, REMOTE_ADDR=ADDRESS), 429)
    events = AuditEvent.objects.filter(action="login_failed", ip=ADDRESS)
    assert sorted(events.values_list("status_code", flat=True)) == [400] * 20 + [429]
