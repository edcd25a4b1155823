"""An attacker guessing passwords with many requests at once: the lock-out counts each attempt
before the password is checked, so no burst gets more checks than the limit, whether the
counts live in the database (the default) or in Redis."""

import threading
from contextlib import contextmanager
from unittest import mock

import pytest
import redis
from django.test import override_settings

from api.auth.models import User
from api.auth.views import LoginView, PasswordChangeView
from api.throttles import lockout
from tests.factories import UserFactory
from tests.hardening.conftest import as_caller, postgresql_only, run_together
from tests.helpers import login

REDIS_URL = "redis://127.0.0.1:6379/15"
ADDRESS = "203.0.113.50"
PASSWORD_URL = "/api/v1/auth/password/"


@contextmanager
def counted_password_checks():
    """The users whose password was checked, one entry per check. Each check is slowed down so
    that every attempt of a burst is in flight at the same time."""
    checks, real, in_check = [], User.check_password, threading.Event()

    def check(user, raw_password):
        checks.append(user.pk)
        in_check.wait(timeout=0.05)
        return real(user, raw_password)

    with mock.patch.object(User, "check_password", check):
        yield checks


@pytest.fixture(params=["database", "redis"])
def store(request):
    """The shared store of the counts: the database cache table, or Redis database 15."""
    if request.param == "database":
        yield
        return
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    try:
        with override_settings(CACHES=cache):
            yield
    finally:
        for pattern in ("*sign-in-failures:*", "*throttle_*"):
            for key in client.scan_iter(pattern):
                client.delete(key)


@pytest.fixture
def no_rate_throttle():
    """The per-address rate throttle off, so that only the lock-out stands in the way."""
    with (
        mock.patch.object(LoginView, "throttle_classes", []),
        mock.patch.object(PasswordChangeView, "throttle_classes", []),
    ):
        yield


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_guesses_at_one_account_gets_no_more_checks_than_the_limit(
    store, no_rate_throttle
):
    victim = UserFactory()

    with counted_password_checks() as checks:
        responses = run_together(
            *[lambda: login(victim.email, "a-guess", REMOTE_ADDR=ADDRESS)] * 15
        )

    statuses = sorted(response.status_code for response in responses)
    assert len(checks) == lockout.ACCOUNT_LIMIT, statuses
    assert statuses == [401] * lockout.ACCOUNT_LIMIT + [429] * (15 - lockout.ACCOUNT_LIMIT)
    assert login(victim.email, REMOTE_ADDR="198.51.100.2").status_code == 429  # still locked


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_guesses_from_one_address_gets_no_more_checks_than_the_limit(
    store, no_rate_throttle
):
    # Four guesses per account, so that only the address limit can stop the burst.
    accounts = [UserFactory() for _ in range(8)]
    guesses = [accounts[index // 4].email for index in range(30)]

    with counted_password_checks() as checks:
        responses = run_together(
            *[lambda email=email: login(email, "a-guess", REMOTE_ADDR=ADDRESS) for email in guesses]
        )

    statuses = sorted(response.status_code for response in responses)
    assert len(checks) == lockout.ADDRESS_LIMIT, statuses
    assert statuses == [401] * lockout.ADDRESS_LIMIT + [429] * (30 - lockout.ADDRESS_LIMIT)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_password_change_guesses_gets_no_more_checks_than_the_limit(
    store, no_rate_throttle
):
    """An attacker holding a stolen access token guesses the current password."""
    victim = UserFactory()

    def guess():
        body = {"old_password": "a-guess", "new_password": "a-different-long-passphrase"}
        return as_caller(victim).post(PASSWORD_URL, body, format="json", REMOTE_ADDR=ADDRESS)

    with counted_password_checks() as checks:
        responses = run_together(*[guess] * 15)

    statuses = sorted(response.status_code for response in responses)
    assert len(checks) == lockout.ACCOUNT_LIMIT, statuses
    assert statuses == [400] * lockout.ACCOUNT_LIMIT + [429] * (15 - lockout.ACCOUNT_LIMIT)


@pytest.mark.django_db
def test_an_account_locks_after_the_limit_in_either_store(store):
    """The same lock-out, one attempt at a time, in either store (and on either database)."""
    victim = UserFactory()
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert login(victim.email, "a-guess", REMOTE_ADDR=ADDRESS).status_code == 401

    locked = login(victim.email, REMOTE_ADDR=ADDRESS)

    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= lockout.COOL_OFF_SECONDS
