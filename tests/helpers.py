"""Helpers shared by the test modules: problem-document checks, the people a test acts as, and
sign-in calls."""

import json
import socket
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from api.auth.mfa import totp
from api.auth.models import TotpDevice
from api.problems import PROBLEM_MEDIA_TYPE
from tests.factories import TEST_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
MFA_TOKEN_URL = "/api/v1/auth/token/mfa/"
REFRESH_URL = "/api/v1/auth/token/refresh/"

PROBLEM = PROBLEM_MEDIA_TYPE
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
ERROR_KEYS = {"field", "code", "message"}


def assert_problem(response, status: int, *fields: str) -> dict:
    """Assert `response` is a problem document with `status` whose `errors` name at least
    `fields`; return the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_MEDIA_TYPE
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    assert body["type"].startswith("urn:rootwise:problem:")
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == ERROR_KEYS, error
        assert error["message"]
    named = {error["field"] for error in body["errors"]}
    assert set(fields) <= named, body
    return body


def error_fields(response) -> list[str]:
    """The dotted field paths named in a problem document's `errors`, in order."""
    assert response["Content-Type"] == PROBLEM, response.content
    body = response.json()
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == response.status_code
    return [error["field"] for error in body["errors"]]


def as_each(*people: str):
    """Run the test once as each of `people`, fixture names of users (see the `person`
    fixture in tests/conftest.py)."""
    return pytest.mark.parametrize("person", people, indirect=True)


def sign_note(session):
    """Sign `session`'s note as its clinician, straight in the database; return it afresh."""
    type(session).objects.filter(pk=session.pk).update(
        signed_at=timezone.now(), signed_by=session.clinician
    )
    session.refresh_from_db()
    return session


def login(email: str, password: str = TEST_PASSWORD, **headers):
    return APIClient().post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **headers
    )


def refresh(token: str):
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


NEW_USER_PASSWORD = "a-long-enough-passphrase"


def new_user(**overrides) -> dict:
    """A valid body for POST /users/, with `overrides`; the staff tests use it too."""
    return {
        "email": "new.person@example.test",
        "full_name": "New Person",
        "role": "clinician",
        "password": NEW_USER_PASSWORD,
        **overrides,
    }


def enable_mfa(user) -> str:
    """Turn on two-factor sign-in for `user` straight in the database, as a confirmed
    enrolment leaves it; return the secret, also kept on the instance as `totp_secret` (which
    `as_user` reads to sign them in through both steps)."""
    secret = totp.new_secret()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    user.totp_secret = secret
    return secret


def totp_code(secret: str, steps_from_now: int = 0) -> str:
    """The authenticator's code now, or `steps_from_now` 30-second steps away."""
    return totp.code_at(secret, totp.current_step() + steps_from_now)


def second_step(challenge: str, **code):
    """POST the second step of a sign-in: `code=...` or `recovery_code=...`."""
    return APIClient().post(MFA_TOKEN_URL, {"challenge": challenge, **code}, format="json")


def sign_in_with_mfa(user, password: str = TEST_PASSWORD) -> dict:
    """Both steps of a sign-in for `user` (see `enable_mfa`); the tokens."""
    first = login(user.email, password)
    assert first.status_code == 200, first.content
    assert set(first.json()) == {"mfa_required", "challenge", "expires_in"}, first.json()
    second = second_step(first.json()["challenge"], code=totp_code(user.totp_secret))
    assert second.status_code == 200, second.content
    return second.json()


def unreachable_redis():
    """Settings whose shared cache is a Redis that refuses every connection (a port nobody
    listens on): Redis restarting, say."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
    )
