"""A kept PostgreSQL connection is health-checked (`SELECT 1`) before a request only when it sat
idle long enough to have gone stale (api/postgresql/base.py): a worker busy with requests skips
the round trip, and one whose connection died while idle still gets a working one."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection, connections
from django.test.utils import override_settings

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def kept():
    """A connection of the app's backend kept across requests, as a gunicorn worker's is."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "CONN_MAX_AGE": 60}
    wrapper.health_check_enabled = True
    yield wrapper
    wrapper.close()


def request(wrapper) -> int:
    """One request's life for the connection (Django's request_started and request_finished
    handlers around a query); the backend's process id that answered it."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    wrapper.close_if_unusable_or_obsolete()
    return pid


def terminate(pid: int) -> None:
    url = connection.settings_dict
    with psycopg.connect(
        host=url["HOST"], port=url["PORT"] or 5432, user=url["USER"], dbname=url["NAME"]
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_the_apps_connections_use_the_backend_that_checks_only_idle_connections():
    assert connection.settings_dict["ENGINE"] == "api.postgresql"


def test_a_connection_used_a_moment_ago_is_not_checked(kept):
    first = request(kept)
    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as check:
        answered = [request(kept) for _ in range(5)]

    assert check.call_count == 0
    assert answered == [first] * 5


@override_settings(DB_HEALTH_CHECK_AFTER_IDLE_SECONDS=0.2)
def test_a_connection_idle_for_longer_is_checked_and_a_dead_one_replaced(kept):
    first = request(kept)
    terminate(first)  # PostgreSQL restarted, or a proxy dropped the connection, while idle
    time.sleep(0.3)
    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as check:
        second = request(kept)

    assert check.call_count == 1
    assert second != first  # a new connection answered, and the request did not fail


@override_settings(DB_HEALTH_CHECK_AFTER_IDLE_SECONDS=0.2)
def test_a_live_connection_idle_for_longer_is_checked_and_kept(kept):
    first = request(kept)
    time.sleep(0.3)
    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as check:
        second = request(kept)

    assert check.call_count == 1
    assert second == first
