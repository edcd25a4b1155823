"""Setting up an authenticator app, its recovery codes, and turning it off again."""

import base64
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from api.audit.models import AuditEvent
from api.auth.mfa import recovery
from api.auth.models import RecoveryCode, TotpDevice
from api.throttles import lockout
from tests.factories import TEST_PASSWORD
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

STATUS_URL = "/api/v1/auth/mfa/"
START_URL = "/api/v1/auth/mfa/totp/"
CONFIRM_URL = "/api/v1/auth/mfa/totp/confirm/"
DISABLE_URL = "/api/v1/auth/mfa/disable/"
CODES_URL = "/api/v1/auth/mfa/recovery-codes/"
RECOVERY_CODE = re.compile(r"^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$")


@pytest.fixture
def signed_in(clinician):
    """A client holding `clinician`'s access token from a real password sign-in."""
    return bearer(login(clinician.email).json()["access"])


def start(api) -> dict:
    response = api.post(START_URL)
    assert response.status_code == 201, response.content
    return response.json()


def confirm(api, code: str, password: str = TEST_PASSWORD):
    return api.post(CONFIRM_URL, {"code": code, "password": password}, format="json")


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("at").values_list("action", flat=True))


# Enrolment.


def test_starting_gives_a_secret_its_uri_and_a_qr_code_and_leaves_sign_in_as_it_was(
    clinician, signed_in
):
    enrolment = start(signed_in)

    assert set(enrolment) == {"secret", "otpauth_uri", "qr_code"}
    assert re.fullmatch(r"[A-Z2-7]{32}", enrolment["secret"])
    uri = urlparse(enrolment["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/Rootwise:{clinician.email}"
    assert parse_qs(uri.query)["secret"] == [enrolment["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Rootwise"]
    prefix = "data:image/svg+xml;base64,"
    assert enrolment["qr_code"].startswith(prefix)
    svg = base64.b64decode(enrolment["qr_code"].removeprefix(prefix)).decode()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert signed_in.get(STATUS_URL).json() == {
        "enabled": False,
        "pending": True,
        "recovery_codes_remaining": 0,
        "required_by_practice": False,
    }
    assert set(login(clinician.email).json()) == {"access", "refresh"}  # not on yet


def test_the_secret_is_encrypted_at_rest(clinician, signed_in):
    secret = start(signed_in)["secret"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice")
        [(stored,)] = cursor.fetchall()
    assert secret not in stored
    assert TotpDevice.objects.get(user=clinician).secret == secret


def test_a_first_code_and_the_password_turn_it_on(clinician, signed_in):
    secret = start(signed_in)["secret"]

    response = confirm(signed_in, totp_code(secret))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"recovery_codes", "access", "refresh"}
    codes = body["recovery_codes"]
    assert len(codes) == len(set(codes)) == recovery.COUNT
    assert all(RECOVERY_CODE.match(code) for code in codes)
    assert bearer(body["access"]).get(STATUS_URL).json()["enabled"] is True
    assert bearer(body["access"]).get("/api/v1/auth/me/").json()["mfa_enabled"] is True
    assert refresh(body["refresh"]).status_code == 200
    assert set(login(clinician.email).json()) == {"mfa_required", "challenge", "expires_in"}
    assert [action for action in actions() if action.startswith("mfa")] == [
        "mfa_enrol",
        "mfa_confirm",
        "mfa_challenge",  # the sign-in just above
    ]


def test_recovery_codes_are_stored_hashed(clinician, signed_in):
    secret = start(signed_in)["secret"]
    codes = confirm(signed_in, totp_code(secret)).json()["recovery_codes"]

    stored = str(list(RecoveryCode.objects.filter(user=clinician).values()))
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    assert RecoveryCode.objects.filter(user=clinician, used_at=None).count() == recovery.COUNT


def test_turning_it_on_ends_the_sessions_that_began_with_a_password_alone(clinician, signed_in):
    other_device = login(clinician.email).json()
    secret = start(signed_in)["secret"]

    assert confirm(signed_in, totp_code(secret)).status_code == 200

    assert_problem(refresh(other_device["refresh"]), 401)


def test_the_secret_is_never_shown_again_once_confirmed(signed_in):
    secret = start(signed_in)["secret"]
    confirm(signed_in, totp_code(secret))

    response = signed_in.post(START_URL)

    assert_problem(response, 409)
    assert secret not in response.content.decode()
    assert secret not in signed_in.get(STATUS_URL).content.decode()
    assert secret not in signed_in.get("/api/v1/auth/me/").content.decode()


def test_a_wrong_code_is_a_400_naming_it_and_nothing_changes(clinician, signed_in):
    secret = start(signed_in)["secret"]

    response = confirm(signed_in, wrong(totp_code(secret)))

    assert_problem(response, 400, "code")
    device = TotpDevice.objects.get(user=clinician)
    assert device.confirmed_at is None
    assert not RecoveryCode.objects.exists()


def test_a_wrong_password_is_refused_and_counts_toward_the_lock_out(clinician, signed_in):
    secret = start(signed_in)["secret"]

    for _ in range(lockout.ACCOUNT_LIMIT):
        assert_problem(confirm(signed_in, totp_code(secret), "not-the-password"), 400, "password")
    response = confirm(signed_in, totp_code(secret))

    assert_problem(response, 429)
    assert TotpDevice.objects.get(user=clinician).confirmed_at is None


def test_starting_again_replaces_a_pending_secret(signed_in):
    first = start(signed_in)["secret"]
    second = start(signed_in)["secret"]

    assert first != second
    assert_problem(confirm(signed_in, totp_code(first)), 400, "code")
    assert confirm(signed_in, totp_code(second)).status_code == 200


def test_confirming_without_an_enrolment_is_a_409(signed_in):
    assert_problem(confirm(signed_in, "123456"), 409)


def test_enrolment_needs_a_signed_in_user(clinician):
    assert_problem(APIClient().post(START_URL), 401)
    assert_problem(APIClient().post(CONFIRM_URL, {"code": "123456"}, format="json"), 401)
    assert not TotpDevice.objects.exists()


# Recovery codes and turning it off.


@pytest.fixture
def mfa_user(clinician) -> str:
    return enable_mfa(clinician)


def test_new_recovery_codes_replace_the_old_ones(clinician, mfa_user, as_user):
    old = recovery.replace_all(user=clinician)
    api = as_user(clinician)

    # The sign-in spent this step's code; the next step's is accepted too.
    response = api.post(CODES_URL, {"code": totp_code(mfa_user, 1)}, format="json")

    assert response.status_code == 200, response.content
    new = response.json()["recovery_codes"]
    assert len(new) == recovery.COUNT and not set(new) & set(old)
    challenge = login(clinician.email).json()["challenge"]
    assert_problem(second_step(challenge, recovery_code=old[0]), 401)
    assert second_step(challenge, recovery_code=new[0]).status_code == 200
    assert "mfa_recovery_codes" in actions()


def test_new_recovery_codes_need_a_right_unused_code(clinician, mfa_user, as_user):
    old = recovery.replace_all(user=clinician)
    api = as_user(clinician)
    used = TotpDevice.objects.get(user=clinician).last_used_step

    response = api.post(CODES_URL, {"code": totp_code(mfa_user)}, format="json")  # spent
    wrong_one = api.post(CODES_URL, {"code": wrong(totp_code(mfa_user, 1))}, format="json")

    assert used > 0
    assert_problem(response, 400, "code")
    assert_problem(wrong_one, 400, "code")
    challenge = login(clinician.email).json()["challenge"]
    assert second_step(challenge, recovery_code=old[0]).status_code == 200


@pytest.mark.parametrize("with_what", ["code", "recovery_code"])
def test_turning_it_off_with_a_code_forgets_the_authenticator(
    clinician, mfa_user, as_user, with_what
):
    codes = recovery.replace_all(user=clinician)
    api = as_user(clinician)
    body = {"code": totp_code(mfa_user, 1)} if with_what == "code" else {"recovery_code": codes[0]}

    response = api.post(DISABLE_URL, body, format="json")

    assert response.status_code == 204, response.content
    assert not TotpDevice.objects.filter(user=clinician).exists()
    assert not RecoveryCode.objects.filter(user=clinician).exists()
    assert set(login(clinician.email).json()) == {"access", "refresh"}
    assert "mfa_disable" in actions()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "000000"}, "code"),
        ({"recovery_code": "aaaa-bbbb-cccc-dddd"}, "recovery_code"),
        ({}, "code"),
    ],
)
def test_turning_it_off_needs_a_right_code(clinician, mfa_user, as_user, body, field):
    if body.get("code") == "000000" and totp_code(mfa_user, 1) == "000000":
        body = {"code": "000001"}
    api = as_user(clinician)

    response = api.post(DISABLE_URL, body, format="json")

    assert_problem(response, 400, field)
    assert TotpDevice.objects.filter(user=clinician, confirmed_at__isnull=False).exists()


def test_turning_it_off_when_it_is_not_on_is_a_409(signed_in):
    assert_problem(signed_in.post(DISABLE_URL, {"code": "123456"}, format="json"), 409)
    assert_problem(signed_in.post(CODES_URL, {"code": "123456"}, format="json"), 409)


def test_a_stolen_access_token_cannot_guess_codes_without_limit(clinician, mfa_user, as_user):
    api = as_user(clinician)
    for _ in range(lockout.ACCOUNT_LIMIT):
        api.post(DISABLE_URL, {"recovery_code": "aaaa-bbbb-cccc-dddd"}, format="json")

    response = api.post(DISABLE_URL, {"code": totp_code(mfa_user, 1)}, format="json")

    assert_problem(response, 429)
    assert TotpDevice.objects.filter(user=clinician).exists()
    assert OutstandingToken.objects.filter(user=clinician).count() == 1
