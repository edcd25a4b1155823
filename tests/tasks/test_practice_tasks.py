"""A practice task runs in its practice's scope, and is retried on transient errors only
(api/tasks.py). Here tasks run in-process, as under `make run` (no broker)."""

import json
import os
import smtplib
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from api.celery import app
from api.tasks import RETRY_ON_TRANSIENT_ERRORS
from api.tenancy import practice_scope
from clients.models import Client
from tests.factories import ClientFactory, UserFactory
from tests.tasks import example_tasks
from tests.tasks.example_tasks import (
    count_clients,
    count_clients_after_failures,
    database_gone,
    mark_clients_without_phone,
    write_then_fail,
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row-level security"
)


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    """In-process whatever the environment's REDIS_URL, as without one."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr(example_tasks, "failures", [])


def celery_configuration(**env: str) -> dict:
    """The Celery app's configuration in a process of its own, with `env` as its environment."""
    environment = {**os.environ, "REDIS_URL": "", "CELERY_BROKER_URL": "", **env}
    script = (
        "import json, django; django.setup(); from api.celery import app; "
        "print(json.dumps({key: str(app.conf[key]) for key in "
        "('task_always_eager', 'broker_url', 'task_acks_late', 'accept_content')}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "api.settings", "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_redis_tasks_run_in_process():
    configuration = celery_configuration()

    assert configuration["task_always_eager"] == "True"
    assert configuration["broker_url"] == "memory://localhost/"


def test_with_redis_tasks_go_through_it_as_json_acknowledged_once_run():
    configuration = celery_configuration(REDIS_URL="redis://127.0.0.1:6379/9")

    assert configuration["task_always_eager"] == "False"
    assert configuration["broker_url"] == "redis://127.0.0.1:6379/9"
    assert configuration["task_acks_late"] == "True"
    assert configuration["accept_content"] == "['json']"


@postgresql_only
def test_a_practice_task_sees_only_its_practice_rows(practice, other_practice):
    ClientFactory.create_batch(2, primary_clinician=UserFactory(practice=practice))
    ClientFactory.create_batch(3, primary_clinician=UserFactory(practice=other_practice))

    assert count_clients.delay(str(practice.id)).get() == 2
    assert count_clients.delay(str(other_practice.id)).get() == 3


@postgresql_only
def test_a_practice_task_for_no_practice_sees_nothing(practice):
    ClientFactory(primary_clinician=UserFactory(practice=practice))

    assert count_clients.delay(None).get() == 0


def test_transient_errors_are_retried_until_the_task_succeeds(practice):
    ClientFactory(primary_clinician=UserFactory(practice=practice))
    example_tasks.failures.extend([database_gone(), smtplib.SMTPServerDisconnected("bye")])

    assert count_clients_after_failures.delay(str(practice.id)).get() == 1
    assert example_tasks.failures == []


def test_a_failed_attempt_leaves_nothing_behind(practice):
    client = ClientFactory(primary_clinician=UserFactory(practice=practice), phone="")
    example_tasks.failures.append(database_gone())

    write_then_fail.delay(str(practice.id), str(client.id)).get()

    client.refresh_from_db()
    assert (client.preferred_name, client.phone) == ("", "done")


def test_other_errors_are_not_retried(practice):
    example_tasks.failures.extend([ValueError("a bug"), database_gone()])

    with pytest.raises(ValueError, match="a bug"):
        count_clients_after_failures.delay(str(practice.id)).get()
    assert len(example_tasks.failures) == 1


def test_retries_end(practice):
    attempts = RETRY_ON_TRANSIENT_ERRORS["max_retries"] + 1
    example_tasks.failures.extend(database_gone() for _ in range(attempts + 1))

    with pytest.raises(OperationalError):
        count_clients_after_failures.delay(str(practice.id)).get()
    assert len(example_tasks.failures) == 1


def test_retries_back_off_exponentially_with_jitter():
    assert count_clients.autoretry_for == RETRY_ON_TRANSIENT_ERRORS["autoretry_for"]
    assert count_clients.retry_backoff and count_clients.retry_jitter
    assert count_clients.retry_backoff_max <= 3600  # within the broker's visibility timeout


def test_a_periodic_task_takes_what_is_due_across_practices_once(practice, other_practice):
    for each in (practice, other_practice):
        ClientFactory(primary_clinician=UserFactory(practice=each), phone="")
    ClientFactory(primary_clinician=UserFactory(practice=practice), phone="+44 20 7946 0000")

    with practice_scope(None):  # where the tick starts, it sees no practice's rows
        assert mark_clients_without_phone.delay().get() == 2
        assert mark_clients_without_phone.delay().get() == 0
    assert sorted(Client.objects.values_list("phone", flat=True)) == [
        "+44 20 7946 0000",
        "marked",
        "marked",
    ]
