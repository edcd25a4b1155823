"""A thief with a stolen access token guesses the current password at POST /auth/password/:
the guesses count toward the account's lock-out like failed sign-ins, and each is audited."""

import pytest

from api.audit.models import AuditEvent
from api.throttles import lockout
from tests.factories import TEST_PASSWORD
from tests.helpers import assert_problem, bearer, login, refresh

pytestmark = pytest.mark.django_db

PASSWORD_URL = "/api/v1/auth/password/"
NEW_PASSWORD = "a-different-long-passphrase"


def change_password(client, old: str, new: str = NEW_PASSWORD):
    return client.post(PASSWORD_URL, {"old_password": old, "new_password": new}, format="json")


def test_wrong_current_passwords_lock_the_change_then_answer_429(as_user, clinician):
    thief = as_user(clinician)
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert_problem(change_password(thief, "a-guess"), 400, "old_password")

    locked = change_password(thief, TEST_PASSWORD)  # even the right one is not checked now

    assert assert_problem(locked, 429)["type"] == "urn:rootwise:problem:throttled"
    assert 0 < int(locked["Retry-After"]) <= lockout.COOL_OFF_SECONDS
    assert login(clinician.email).status_code == 429  # one count per account, both doors
    clinician.refresh_from_db()
    assert clinician.check_password(TEST_PASSWORD)


def test_guesses_here_and_at_sign_in_share_one_limit(as_user, clinician):
    for _ in range(lockout.ACCOUNT_LIMIT - 1):
        login(clinician.email, "a-guess")
    assert_problem(change_password(as_user(clinician), "a-guess"), 400, "old_password")

    assert_problem(change_password(as_user(clinician), TEST_PASSWORD), 429)


def test_the_right_current_password_clears_the_count(as_user, clinician):
    for _ in range(lockout.ACCOUNT_LIMIT - 1):
        change_password(as_user(clinician), "a-guess")

    assert change_password(as_user(clinician), TEST_PASSWORD).status_code == 204

    assert login(clinician.email, "one-more-guess").status_code == 401  # not locked


def test_every_attempt_is_audited_with_its_outcome(as_user, clinician):
    change_password(as_user(clinician), "a-guess")
    change_password(as_user(clinician), TEST_PASSWORD, "short")
    change_password(as_user(clinician), TEST_PASSWORD)

    rows = AuditEvent.objects.filter(action="password_change").order_by("at")
    assert [(e.actor, e.status_code, e.outcome) for e in rows] == [
        (clinician, 400, "failed"),
        (clinician, 400, "failed"),
        (clinician, 204, "success"),
    ]
    assert TEST_PASSWORD not in str(list(rows.values()))


def test_a_change_revokes_every_refresh_token_of_the_user(clinician):
    phone, laptop = login(clinician.email).json(), login(clinician.email).json()
    rotated = refresh(laptop["refresh"]).json()

    assert change_password(bearer(phone["access"]), TEST_PASSWORD).status_code == 204

    for token in (phone["refresh"], rotated["refresh"]):
        assert assert_problem(refresh(token), 401)["type"] == "urn:rootwise:problem:token-revoked"
