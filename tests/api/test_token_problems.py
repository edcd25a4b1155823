"""A refused token says why, in a sentence, with a problem type per reason: expired (refresh or
sign in again), revoked (sign in again) or invalid, wherever a token is presented."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from api.auth.models import User
from tests.helpers import assert_problem, bearer, login, refresh

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/auth/me/"
LOGOUT_URL = "/api/v1/auth/logout/"
EXPIRED = "urn:rootwise:problem:token-expired"
REVOKED = "urn:rootwise:problem:token-revoked"
INVALID = "urn:rootwise:problem:token-invalid"


def assert_token_problem(response, problem_type: str) -> None:
    body = assert_problem(response, 401)
    assert body["type"] == problem_type, body
    assert response["WWW-Authenticate"].startswith("Bearer")
    # A sentence for a person, not the repr of a Python structure.
    assert body["detail"][0].isupper() and body["detail"].endswith("."), body["detail"]
    assert not any(text in body["detail"] for text in ("{", "ErrorDetail", "token_class")), body


def expired_access(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(from_time=token.current_time - timedelta(minutes=11))
    return str(token)


def expired_refresh(user) -> str:
    token = RefreshToken.for_user(user)
    token.set_exp(from_time=token.current_time - timedelta(days=1))
    return str(token)


def logout(token: str):
    return APIClient().post(LOGOUT_URL, {"refresh": token}, format="json")


@pytest.mark.parametrize(
    ("token", "problem_type"),
    [
        (expired_access, EXPIRED),
        (lambda user: "not-a-token", INVALID),
        (lambda user: str(RefreshToken.for_user(user)), INVALID),
    ],
    ids=["expired", "garbage", "a refresh token"],
)
def test_a_refused_access_token_says_why(clinician, token, problem_type):
    assert_token_problem(bearer(token(clinician)).get(ME_URL), problem_type)


def test_a_deactivated_users_access_token_is_revoked(clinician):
    access = AccessToken.for_user(clinician)
    User.objects.filter(pk=clinician.pk).update(is_active=False)

    assert_token_problem(bearer(str(access)).get(ME_URL), REVOKED)


def test_a_malformed_authorization_header_is_an_invalid_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")

    assert_token_problem(client.get(ME_URL), INVALID)


@pytest.mark.parametrize("present", [refresh, logout], ids=["refresh", "logout"])
def test_a_refused_refresh_token_says_why(clinician, present):
    issued = login(clinician.email).json()
    assert logout(issued["refresh"]).status_code == 204

    assert_token_problem(present(issued["refresh"]), REVOKED)
    assert_token_problem(present(expired_refresh(clinician)), EXPIRED)
    assert_token_problem(present("not-a-token"), INVALID)
    assert_token_problem(present(issued["access"]), INVALID)
