"""A real worker (`celery -A api worker`) runs what is sent through Redis, in the practice's
scope. The worker is another process: it sees only committed rows, hence transactional tests,
and the effects observed are emails written by the file backend it is configured with."""

import email
import time
import uuid

import pytest
from django.db import connection

from tests.factories import ClientFactory, UserFactory
from tests.tasks import workers


@pytest.fixture
def worker(tmp_path):
    broker = workers.broker_or_skip()
    queue = f"rootwise-test-{uuid.uuid4().hex}"
    outbox = tmp_path / "outbox"
    env = workers.environment(workers.database_url(tmp_path), EMAIL_FILE_PATH=str(outbox))
    argv = workers.command(queue, "--include=tests.tasks.example_tasks")
    process = workers.start(argv, env, tmp_path / "worker.log")
    sender = workers.sender()

    def send(name: str, *args) -> None:
        sender.send_task(f"tests.tasks.example_tasks.{name}", args=args, queue=queue)

    try:
        yield send, outbox, tmp_path / "worker.log"
    finally:
        process.terminate()
        process.wait(timeout=20)
        sender.close()
        workers.forget_queue(broker, queue)


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
