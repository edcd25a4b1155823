"""A real worker (`celery -A api worker`) runs what is sent through Redis, in the practice's
scope. The worker is another process: it sees only committed rows, hence transactional tests,
and the effects observed are emails written by the file backend it is configured with."""

import email
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from tests.conftest import APP_ROLE
from tests.factories import ClientFactory, UserFactory

# A Redis database of the tests' own; each worker listens on a queue of its own in it.
BROKER_URL = "redis://127.0.0.1:6379/9"


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is unreachable at {BROKER_URL}: the worker needs it as its broker")
    return client


def _worker_database_url(tmp_path) -> str:
    if connection.vendor != "postgresql":
        # The test database lives in this process's memory: the worker gets one of its own.
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    database = connection.settings_dict
    # As the API runs: the role that owns nothing, under row-level security.
    return f"postgres://{APP_ROLE}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture
def worker(tmp_path):
    broker = _redis()
    queue = f"rootwise-test-{uuid.uuid4().hex}"
    outbox = tmp_path / "outbox"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "api.settings_test",
        "DEBUG": "true",
        "DATABASE_URL": _worker_database_url(tmp_path),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "api",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--include=tests.tasks.example_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery("rootwise-test-sender", broker=BROKER_URL, set_as_current=False)
    sender.conf.update(task_serializer="json", accept_content=["json"])

    def send(name: str, *args) -> None:
        sender.send_task(f"tests.tasks.example_tasks.{name}", args=args, queue=queue)

    try:
        yield send, outbox, tmp_path / "worker.log"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        sender.close()
        # Redis as it was, but for what every worker shares (the control bindings).
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)


def delivered(outbox, log, *, timeout: float = 30) -> email.message.Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(outbox.glob("*.log")) if outbox.exists() else []
        text = files[0].read_text() if files else ""
        if text.endswith("-" * 79 + "\n"):  # the file backend's line after each message
            return email.message_from_string(text)
        time.sleep(0.2)
    pytest.fail(f"No email within {timeout} s. The worker's log:\n{log.read_text()}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row-level security")
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_practice_task_in_its_practice(worker, practice, other_practice):
    send, outbox, log = worker
    ClientFactory.create_batch(2, primary_clinician=UserFactory(practice=practice))
    ClientFactory.create_batch(3, primary_clinician=UserFactory(practice=other_practice))

    send("email_client_count", str(practice.id), "front-desk@example.org")

    message = delivered(outbox, log)
    assert message["Subject"] == "2 clients"
    assert message["To"] == "front-desk@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_what_is_sent_through_redis(worker):
    send, outbox, log = worker

    send("send_greeting", "front-desk@example.org")

    message = delivered(outbox, log)
    assert message["Subject"] == "Hello from a worker"
    assert message["To"] == "front-desk@example.org"
