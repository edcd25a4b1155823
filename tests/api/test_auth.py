"""Signing in and out with JWTs, seen from a user and from an attacker.

This module holds the suite's one real token round trip; it also lends `login` and `refresh` to
the staff tests, which check that deactivation locks a user out.
"""

import base64
import json
import time
from datetime import timedelta
from unittest import mock

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from api.auth.models import User
from api.throttles import lockout
from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import assert_problem, bearer, login, refresh

pytestmark = pytest.mark.django_db

LOGOUT_URL = "/api/v1/auth/logout/"
ME_URL = "/api/v1/auth/me/"
PASSWORD_URL = "/api/v1/auth/password/"
NEW_PASSWORD = "a-different-long-passphrase"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def tokens(clinician) -> dict:
    """A real access and refresh token pair for `clinician`, from the login endpoint."""
    response = login(clinician.email)
    assert response.status_code == 200, response.content
    return response.json()


# Logging in.


def test_login_then_me_with_the_bearer_token(clinician, practice):
    response = login(clinician.email)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    me = bearer(response.json()["access"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["id"] == str(clinician.pk)
    assert me.json()["email"] == clinician.email
    assert me.json()["role"] == "clinician"
    assert me.json()["practice"] == {"id": str(practice.pk), "name": practice.name}
    assert me.json()["supervisor"] == str(clinician.supervisor_id)
    clinician.refresh_from_db()
    assert clinician.last_login is not None


@pytest.mark.parametrize("spelling", [str.upper, str.title, lambda email: f"  {email} "])
def test_login_email_is_case_insensitive(clinician, spelling):
    response = login(spelling(clinician.email))

    assert response.status_code == 200
    assert claims(response.json()["access"])["user_id"] == str(clinician.pk)


def test_wrong_password_and_unknown_email_are_the_same_401_problem(clinician):
    wrong_password = login(clinician.email, "not-the-password")
    unknown_email = login("nobody@example.test")

    assert_problem(wrong_password, 401)
    assert_problem(unknown_email, 401)
    # The same answer for both, so the endpoint does not reveal who has an account.
    assert wrong_password.json() == unknown_email.json()


def test_a_deactivated_user_cannot_log_in(clinician):
    User.objects.filter(pk=clinician.pk).update(is_active=False)

    response = login(clinician.email)

    assert_problem(response, 401)
    assert "access" not in response.json()


def test_a_deactivated_user_cannot_refresh(clinician, tokens):
    User.objects.filter(pk=clinician.pk).update(is_active=False)

    assert_problem(refresh(tokens["refresh"]), 401)


def test_a_deactivated_users_access_token_stops_working(clinician, tokens):
    User.objects.filter(pk=clinician.pk).update(is_active=False)

    assert_problem(bearer(tokens["access"]).get(ME_URL), 401)


# Refresh and logout.


def test_refresh_rotates_and_the_used_refresh_token_stops_working(clinician, tokens):
    response = refresh(tokens["refresh"])

    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != tokens["refresh"]
    assert bearer(rotated["access"]).get(ME_URL).json()["id"] == str(clinician.pk)
    assert refresh(rotated["refresh"]).status_code == 200
    # After the successor's use: the used token presented again also revokes its family.
    assert_problem(refresh(tokens["refresh"]), 401)


def test_logout_revokes_the_refresh_token(tokens):
    response = APIClient().post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 204
    assert_problem(refresh(tokens["refresh"]), 401)


def test_logout_works_without_an_access_token_even_an_expired_one(clinician, tokens):
    expired = AccessToken.for_user(clinician)
    expired.set_exp(from_time=expired.current_time - timedelta(days=1))

    response = bearer(str(expired)).post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 204
    assert_problem(refresh(tokens["refresh"]), 401)


@pytest.mark.parametrize("which", ["access", "garbage"])
def test_logout_with_something_other_than_a_refresh_token_is_a_401_problem(tokens, which):
    token = tokens["access"] if which == "access" else "not.a.token"

    response = APIClient().post(LOGOUT_URL, {"refresh": token}, format="json")

    assert_problem(response, 401)
    assert refresh(tokens["refresh"]).status_code == 200


def test_logout_without_a_token_is_a_400_problem_naming_refresh():
    assert_problem(APIClient().post(LOGOUT_URL, {}, format="json"), 400, "refresh")


# Tokens that must not work.


def expired(token: AccessToken) -> str:
    token.set_exp(from_time=token.current_time - timedelta(minutes=11))
    return str(token)


def signed(payload: dict, key: str) -> str:
    return jwt.encode(payload, key, algorithm="HS256")


def unsigned(payload: dict, signature: str = "") -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}.{signature}"


def with_payload(token: AccessToken, payload: dict) -> str:
    header, _, signature = str(token).split(".")
    return f"{header}.{b64(payload)}.{signature}"


ATTACKER_KEY = "an-attacker-chosen-key-that-is-long-enough-for-hs256"

# Attacks on the access token: each builds a token from a genuine one for `user`.
FORGERIES = {
    "expired": lambda token, user, other: expired(token),
    "signed with another key": lambda token, user, other: signed(token.payload, ATTACKER_KEY),
    "signed with SECRET_KEY": lambda token, user, other: signed(token.payload, settings.SECRET_KEY),
    "alg none": lambda token, user, other: unsigned(token.payload),
    "alg none with the genuine signature": lambda token, user, other: unsigned(
        token.payload, str(token).split(".")[2]
    ),
    "payload swapped to another user": lambda token, user, other: with_payload(
        token, {**token.payload, "user_id": str(other.pk)}
    ),
    "refresh token": lambda token, user, other: str(RefreshToken.for_user(user)),
    "no expiry": lambda token, user, other: signed(
        {k: v for k, v in token.payload.items() if k != "exp"}, settings.SIMPLE_JWT["SIGNING_KEY"]
    ),
    "garbage": lambda token, user, other: "not-a-token",
}


@pytest.mark.parametrize("attack", FORGERIES)
def test_a_forged_or_misused_access_token_is_a_401_problem(clinician, admin, attack):
    token = FORGERIES[attack](AccessToken.for_user(clinician), clinician, admin)

    response = bearer(token).get(ME_URL)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_forgeries_differ_from_a_working_token_only_in_their_attack(clinician):
    """Controls: the genuine token, and its payload re-signed with the real key, both work."""
    token = AccessToken.for_user(clinician)
    resigned = signed(token.payload, settings.SIMPLE_JWT["SIGNING_KEY"])

    for working in (str(token), resigned):
        assert bearer(working).get(ME_URL).status_code == 200


def test_an_access_token_cannot_be_used_to_refresh(tokens):
    assert_problem(refresh(tokens["access"]), 401)


@pytest.mark.parametrize("url", [ME_URL, "/api/v1/users/", "/api/v1/roots/", PASSWORD_URL])
@pytest.mark.parametrize("authorization", [None, "Basic dXNlcjpwYXNz", "Token abc", "Bearer"])
def test_unauthenticated_calls_are_401_problems_asking_for_a_bearer_token(url, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(url) if url != PASSWORD_URL else client.post(url, {}, format="json")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_short_lived():
    """Access tokens live minutes; refresh tokens at most a day."""
    user = UserFactory()
    issued = login(user.email).json()
    rotated = refresh(issued["refresh"]).json()

    for pair in (issued, rotated):
        access, refresh_claims = claims(pair["access"]), claims(pair["refresh"])
        assert 0 < access["exp"] - access["iat"] <= 15 * 60
        assert 0 < refresh_claims["exp"] - refresh_claims["iat"] <= 24 * 60 * 60
        assert access["token_type"] == "access"
        assert refresh_claims["token_type"] == "refresh"


def test_tokens_are_signed_with_their_own_key_not_the_secret_key(tokens):
    assert settings.SIMPLE_JWT["SIGNING_KEY"]
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    jwt.decode(tokens["access"], settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tokens["access"], settings.SECRET_KEY, algorithms=["HS256"])


# Changing one's password.


def change_password(client: APIClient, old: str, new: str):
    return client.post(PASSWORD_URL, {"old_password": old, "new_password": new}, format="json")


def test_password_change_with_a_wrong_old_password_is_refused(clinician, tokens):
    response = change_password(bearer(tokens["access"]), "not-the-password", NEW_PASSWORD)

    assert_problem(response, 400, "old_password")
    assert login(clinician.email).status_code == 200
    assert login(clinician.email, NEW_PASSWORD).status_code == 401


@pytest.mark.parametrize(
    "weak",
    ["short", "123456789012345", "password123456", "", "user@example.test"],
)
def test_a_weak_new_password_is_refused(as_user, weak):
    user = UserFactory(email="user@example.test")

    response = change_password(as_user(user), TEST_PASSWORD, weak)

    assert_problem(response, 400, "new_password")
    assert login(user.email).status_code == 200


def test_password_change_revokes_every_refresh_token_and_the_old_password(clinician, tokens):
    other_device = login(clinician.email).json()
    rotated = refresh(other_device["refresh"]).json()

    response = change_password(bearer(tokens["access"]), TEST_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 204
    assert response.content == b""
    assert_problem(login(clinician.email), 401)
    assert login(clinician.email, NEW_PASSWORD).status_code == 200
    for stale in (tokens["refresh"], rotated["refresh"]):
        assert_problem(refresh(stale), 401)


def test_password_change_needs_authentication(clinician):
    response = change_password(APIClient(), TEST_PASSWORD, NEW_PASSWORD)

    assert_problem(response, 401)
    assert login(clinician.email).status_code == 200


# Guessing passwords.


def test_an_account_is_locked_for_a_cool_off_after_five_failed_sign_ins(clinician):
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert login(clinician.email, "a-guess").status_code == 401

    response = login(clinician.email)  # even the right password is refused now

    problem = assert_problem(response, 429)
    assert problem["type"] == "urn:rootwise:problem:throttled"
    assert 0 < int(response["Retry-After"]) <= lockout.COOL_OFF_SECONDS
    assert "access" not in response.json()


def test_the_lock_is_per_account_and_lifts_after_the_cool_off(clinician, colleague):
    for _ in range(lockout.ACCOUNT_LIMIT):
        login(clinician.email, "a-guess")

    assert login(colleague.email).status_code == 200  # another account is not affected
    with mock.patch.object(lockout.time, "time", return_value=time.time() + 901):
        assert login(clinician.email).status_code == 200


def test_a_success_clears_the_account_count(clinician):
    for _ in range(lockout.ACCOUNT_LIMIT - 1):
        login(clinician.email, "a-guess")
    assert login(clinician.email).status_code == 200

    assert login(clinician.email, "one-more-guess").status_code == 401  # not locked


def guess_across_accounts(practice, attempts: int, **headers) -> None:
    """Failed sign-ins spread over accounts, none reaching the account limit."""
    accounts = [UserFactory(practice=practice) for _ in range(attempts // 4 + 1)]
    for attempt in range(attempts):
        login(accounts[attempt // 4].email, "a-guess", **headers)


def test_failed_sign_ins_are_limited_per_client_address(clinician, practice):
    """A guesser spraying many accounts is stopped; a colleague elsewhere still signs in."""
    guess_across_accounts(practice, lockout.ADDRESS_LIMIT, REMOTE_ADDR="203.0.113.7")

    assert_problem(login(clinician.email, REMOTE_ADDR="203.0.113.7"), 429)
    assert login(clinician.email, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_the_address_limit_cannot_be_dodged_with_a_forged_forwarded_for_header(clinician, practice):
    guess_across_accounts(practice, lockout.ADDRESS_LIMIT, HTTP_X_FORWARDED_FOR="10.0.0.1")

    response = login(clinician.email, HTTP_X_FORWARDED_FOR="10.0.1.1")

    assert_problem(response, 429)
