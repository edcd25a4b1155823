"""Signing in with a second factor: the password step gives a challenge and no tokens; the
challenge and a code give the tokens. Codes work once, challenges work once and for five
minutes, and wrong codes count toward the same lock-out as wrong passwords."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from api.audit.models import AuditEvent
from api.auth.mfa import recovery
from api.auth.models import TotpDevice, User
from api.throttles import SignInRateThrottle, lockout
from tests.factories import UserFactory
from tests.hardening.conftest import postgresql_only, run_together
from tests.helpers import (
    assert_problem,
    bearer,
    enable_mfa,
    login,
    refresh,
    second_step,
    totp_code,
)

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/auth/me/"
# Mid-step, so that a test's own seconds never carry it into the next 30-second step.
NOW = "2026-05-11 09:00:10"
INVALID = "urn:rootwise:problem:token-invalid"
EXPIRED = "urn:rootwise:problem:token-expired"
WRONG_CODE = "urn:rootwise:problem:authentication-failed"


@pytest.fixture
def secret(clinician) -> str:
    return enable_mfa(clinician)


def challenge_for(user) -> str:
    response = login(user.email)
    assert response.status_code == 200, response.content
    return response.json()["challenge"]


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at"))


# The two steps.


def test_the_password_step_gives_a_challenge_and_no_token(clinician, secret):
    response = login(clinician.email)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"mfa_required", "challenge", "expires_in"}
    assert body["mfa_required"] is True
    assert body["expires_in"] == 300
    assert not OutstandingToken.objects.filter(user=clinician).exists()
    clinician.refresh_from_db()
    assert clinician.last_login is None
    [event] = events("mfa_challenge")
    assert (event.actor, event.outcome) == (clinician, "success")
    assert not events("login")


def test_the_challenge_and_a_code_give_the_tokens(clinician, secret):
    response = second_step(challenge_for(clinician), code=totp_code(secret))

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    me = bearer(response.json()["access"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["id"] == str(clinician.pk)
    assert me.json()["mfa_enabled"] is True
    assert refresh(response.json()["refresh"]).status_code == 200
    clinician.refresh_from_db()
    assert clinician.last_login is not None
    [event] = events("login")
    assert (event.actor, event.outcome, event.path) == (
        clinician,
        "success",
        "/api/v1/auth/token/mfa/",
    )


def test_a_wrong_password_gives_no_challenge(clinician, secret):
    response = login(clinician.email, "not-the-password")

    assert assert_problem(response, 401)["type"] == WRONG_CODE
    assert "challenge" not in response.json()


def test_someone_without_a_second_factor_still_gets_tokens_at_once(clinician, colleague, secret):
    response = login(colleague.email)

    assert set(response.json()) == {"access", "refresh"}


@pytest.mark.parametrize("as_what", ["access token", "refresh token"])
def test_the_challenge_is_neither_an_access_token_nor_a_refresh_token(clinician, secret, as_what):
    challenge = challenge_for(clinician)

    response = bearer(challenge).get(ME_URL) if as_what == "access token" else refresh(challenge)

    assert assert_problem(response, 401)["type"] == INVALID


@pytest.mark.parametrize(
    "challenge",
    ["not-a-challenge", "", "access token", "tampered"],
)
def test_anything_but_a_genuine_challenge_is_refused(clinician, secret, challenge):
    if challenge == "access token":
        colleague = UserFactory(practice=clinician.practice)
        challenge = login(colleague.email).json()["access"]
    elif challenge == "tampered":
        genuine = challenge_for(clinician)
        challenge = genuine[:-3] + ("AAA" if genuine[-3:] != "AAA" else "BBB")

    response = second_step(challenge, code=totp_code(secret))

    assert_problem(response, 400 if challenge == "" else 401)
    assert not OutstandingToken.objects.filter(user=clinician).exists()


# Wrong and replayed codes.


def test_a_wrong_code_is_a_401_and_audited(clinician, secret):
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = second_step(challenge_for(clinician), code=wrong)

    problem = assert_problem(response, 401)
    assert problem["type"] == WRONG_CODE
    assert "access" not in response.json()
    assert not OutstandingToken.objects.filter(user=clinician).exists()
    [event] = events("mfa_failed")
    assert (event.actor, event.outcome, event.status_code) == (clinician, "denied", 401)


def test_a_code_works_once_within_its_window(clinician, secret):
    with freeze_time(NOW):
        code = totp_code(secret)
        assert second_step(challenge_for(clinician), code=code).status_code == 200

        replayed = second_step(challenge_for(clinician), code=code)

    assert assert_problem(replayed, 401)["type"] == WRONG_CODE
    assert OutstandingToken.objects.filter(user=clinician).count() == 1


def test_a_code_of_the_step_before_or_after_is_accepted_but_not_two_steps_away(clinician, secret):
    with freeze_time(NOW):
        challenge = challenge_for(clinician)
        assert_problem(second_step(challenge, code=totp_code(secret, -2)), 401)
        assert_problem(second_step(challenge, code=totp_code(secret, 2)), 401)

        assert second_step(challenge_for(clinician), code=totp_code(secret, -1)).status_code == 200
        assert second_step(challenge_for(clinician), code=totp_code(secret, 1)).status_code == 200


def test_once_a_later_code_is_used_earlier_ones_are_refused(clinician, secret):
    with freeze_time(NOW):
        earlier = totp_code(secret)
        assert second_step(challenge_for(clinician), code=totp_code(secret, 1)).status_code == 200

        response = second_step(challenge_for(clinician), code=earlier)

    assert_problem(response, 401)


def test_the_next_steps_code_works_once_time_moves_on(clinician, secret):
    with freeze_time(NOW) as clock:
        assert second_step(challenge_for(clinician), code=totp_code(secret)).status_code == 200
        clock.tick(timedelta(seconds=30))

        response = second_step(challenge_for(clinician), code=totp_code(secret))

    assert response.status_code == 200, response.content


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_of_concurrent_uses_of_one_code_exactly_one_gets_tokens():
    user = UserFactory()
    secret = enable_mfa(user)
    challenges = [challenge_for(user) for _ in range(4)]
    code = totp_code(secret)

    responses = run_together(*[lambda c=c: second_step(c, code=code) for c in challenges])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 401, 401, 401], statuses
    assert OutstandingToken.objects.filter(user=user).count() == 1


# The challenge.


def test_a_challenge_works_once(clinician, secret):
    with freeze_time(NOW) as clock:
        challenge = challenge_for(clinician)
        assert second_step(challenge, code=totp_code(secret)).status_code == 200
        clock.tick(timedelta(seconds=30))

        again = second_step(challenge, code=totp_code(secret))

    assert assert_problem(again, 401)["type"] == INVALID
    assert OutstandingToken.objects.filter(user=clinician).count() == 1


def test_a_challenge_expires_after_five_minutes(clinician, secret):
    with freeze_time(NOW) as clock:
        challenge = challenge_for(clinician)
        clock.tick(timedelta(minutes=5, seconds=1))

        response = second_step(challenge, code=totp_code(secret))

    assert assert_problem(response, 401)["type"] == EXPIRED
    assert not OutstandingToken.objects.filter(user=clinician).exists()


def test_a_challenge_dies_with_a_deactivation_or_a_reset(clinician, secret):
    challenge = challenge_for(clinician)
    User.objects.filter(pk=clinician.pk).update(is_active=False)
    assert assert_problem(second_step(challenge, code=totp_code(secret)), 401)["type"] == INVALID

    User.objects.filter(pk=clinician.pk).update(is_active=True)
    challenge = challenge_for(clinician)
    TotpDevice.objects.filter(user=clinician).delete()
    assert assert_problem(second_step(challenge, code=totp_code(secret)), 401)["type"] == INVALID


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["code"]),
        ({"code": "123456", "recovery_code": "abcd-efgh-jkmn-pqrs"}, ["code", "recovery_code"]),
        ({"code": "12345"}, ["code"]),
        ({"code": "\uff11\uff12\uff13\uff14\uff15\uff16"}, ["code"]),  # full-width digits
        ({"recovery_code": "abcd-efgh-jkmn"}, ["recovery_code"]),
    ],
)
def test_a_malformed_second_step_is_a_400_naming_the_field(clinician, secret, body, fields):
    response = second_step(challenge_for(clinician), **body)

    problem = assert_problem(response, 400, *fields)
    assert [error["field"] for error in problem["errors"]] == fields


# Recovery codes.


def test_a_recovery_code_signs_in_once(clinician, secret):
    codes = recovery.replace_all(user=clinician)

    first = second_step(challenge_for(clinician), recovery_code=codes[3])
    again = second_step(challenge_for(clinician), recovery_code=codes[3])

    assert first.status_code == 200, first.content
    assert set(first.json()) == {"access", "refresh"}
    assert assert_problem(again, 401)["type"] == WRONG_CODE
    assert recovery.remaining(user=clinician) == len(codes) - 1
    [event] = events("login_recovery_code")
    assert (event.actor, event.outcome) == (clinician, "success")


def test_a_recovery_code_is_read_in_any_case_with_or_without_hyphens(clinician, secret):
    code = recovery.replace_all(user=clinician)[0]

    response = second_step(challenge_for(clinician), recovery_code=code.replace("-", "").upper())

    assert response.status_code == 200, response.content


def test_another_users_recovery_code_does_not_work(clinician, colleague, secret):
    enable_mfa(colleague)
    theirs = recovery.replace_all(user=colleague)[0]
    recovery.replace_all(user=clinician)

    assert_problem(second_step(challenge_for(clinician), recovery_code=theirs), 401)
    assert recovery.remaining(user=colleague) == recovery.COUNT


# Guessing codes.


def wrong_code(secret: str) -> str:
    return f"{(int(totp_code(secret)) + 500_000) % 1_000_000:06d}"


def test_wrong_codes_lock_the_account_like_wrong_passwords(clinician, secret):
    with freeze_time(NOW):
        challenge = challenge_for(clinician)
        for _ in range(lockout.ACCOUNT_LIMIT):
            assert second_step(challenge, code=wrong_code(secret)).status_code == 401

        with_the_right_code = second_step(challenge, code=totp_code(secret))
        password_step = login(clinician.email)

    for response in (with_the_right_code, password_step):
        assert assert_problem(response, 429)["type"] == "urn:rootwise:problem:throttled"
        assert 0 < int(response["Retry-After"]) <= lockout.COOL_OFF_SECONDS
    assert not OutstandingToken.objects.filter(user=clinician).exists()
    assert TotpDevice.objects.get(user=clinician).last_used_step == 0  # the code was not spent


def test_wrong_codes_and_wrong_passwords_share_one_count(clinician, secret):
    with freeze_time(NOW):
        for _ in range(lockout.ACCOUNT_LIMIT - 2):
            assert login(clinician.email, "a-guess").status_code == 401
        challenge = challenge_for(clinician)
        assert second_step(challenge, code=wrong_code(secret)).status_code == 401
        assert second_step(challenge, code=wrong_code(secret)).status_code == 401

        response = second_step(challenge, code=totp_code(secret))

    assert_problem(response, 429)


def test_knowing_the_password_does_not_reset_the_count_of_wrong_codes(clinician, secret):
    with freeze_time(NOW):
        for _ in range(lockout.ACCOUNT_LIMIT):
            assert second_step(challenge_for(clinician), code=wrong_code(secret)).status_code == 401

        response = login(clinician.email)

    assert_problem(response, 429)


def test_the_lock_lifts_after_the_cool_off_and_a_sign_in_clears_the_count(clinician, secret):
    with freeze_time(NOW) as clock:
        challenge = challenge_for(clinician)
        for _ in range(lockout.ACCOUNT_LIMIT):
            second_step(challenge, code=wrong_code(secret))
        assert_problem(login(clinician.email), 429)
        clock.tick(timedelta(seconds=lockout.COOL_OFF_SECONDS + 1))

        assert second_step(challenge_for(clinician), code=totp_code(secret)).status_code == 200
        challenge = challenge_for(clinician)
        for _ in range(lockout.ACCOUNT_LIMIT):
            assert second_step(challenge, code=wrong_code(secret)).status_code == 401


def test_a_sign_in_through_both_steps_gives_the_address_its_attempts_back(
    clinician, secret, monkeypatch
):
    monkeypatch.setattr(SignInRateThrottle, "rate", "1000/minute", raising=False)  # not this limit
    with freeze_time(NOW) as clock:
        for _ in range(lockout.ADDRESS_LIMIT + 1):
            assert second_step(challenge_for(clinician), code=totp_code(secret)).status_code == 200
            clock.tick(timedelta(seconds=30))


def test_recovery_code_guesses_count_too(clinician, secret):
    code = recovery.replace_all(user=clinician)[0]
    challenge = challenge_for(clinician)
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert second_step(challenge, recovery_code="aaaa-bbbb-cccc-dddd").status_code == 401

    assert_problem(second_step(challenge, recovery_code=code), 429)
    assert recovery.remaining(user=clinician) == recovery.COUNT
