"""Real Celery workers for the tests: each started as its own process on a queue of its own in
the tests' Redis database, seeing only committed rows (hence transactional tests), its emails
observed through the backend its environment names."""

import os
import subprocess
import sys

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from tests.conftest import APP_ROLE

# A Redis database of the tests' own; each worker listens on a queue of its own in it.
BROKER_URL = "redis://127.0.0.1:6379/9"


def broker_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is unreachable at {BROKER_URL}: the worker needs it as its broker")
    return client


def database_url(tmp_path) -> str:
    """The test database as another process reaches it."""
    if connection.vendor != "postgresql":
        # The test database lives in this process's memory: the worker gets one of its own.
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    database = connection.settings_dict
    # As the API runs: the role that owns nothing, under row-level security.
    return f"postgres://{APP_ROLE}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def environment(database: str, **overrides: str) -> dict:
    """A worker's environment: the test settings, the tests' broker, `database`, and emails
    written as files (`EMAIL_FILE_PATH` among `overrides`) unless they say otherwise."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "api.settings_test",
        "DEBUG": "true",
        "DATABASE_URL": database,
        "REDIS_URL": "",
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        **overrides,
    }


def command(queue: str, *options: str) -> list[str]:
    """`celery -A api worker` on `queue` alone, one task at a time, quiet about its peers."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "api",
        "worker",
        "--pool=solo",
        f"--queues={queue}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        *options,
    ]


def start(argv: list[str], env: dict, log_path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(  # noqa: S603
            argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def sender() -> Celery:
    """A client of the broker that sends tasks by name, as a scheduler does."""
    app = Celery("rootwise-test-sender", broker=BROKER_URL, set_as_current=False)
    app.conf.update(task_serializer="json", accept_content=["json"])
    return app


def forget_queue(broker: redis.Redis, queue: str) -> None:
    """Redis as it was, but for what every worker shares (the control bindings)."""
    for key in broker.scan_iter(f"*{queue}*"):
        broker.delete(key)
