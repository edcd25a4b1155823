"""A measure between sessions, end to end, on the real pieces: a schedule falls due, the
periodic tick runs on a Celery worker (Redis as its broker) which emails the client their link
through an SMTP server, the client answers in headless Chromium on a gunicorn server, and the
clinician finds the assessment and the open risk flag in the API and the risk alert in their
inbox. The test process only starts the pieces and watches them: the worker and the server
share one database, the test database itself on PostgreSQL (entered as the API's role, as
tests/tasks/test_worker.py does), a file copy of it on SQLite (whose test database lives in
this process's memory)."""

import email
import re
import socket
import sqlite3
import sys
import time
import uuid
from datetime import timedelta
from email.policy import default as email_policy

import pytest
import requests
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from assessments.measures.messages import ALERT_SUBJECT
from tests.client_portal.conftest import PHQ9_AT_RISK
from tests.factories import TEST_PASSWORD, MeasureScheduleFactory
from tests.tasks import workers

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60  # seconds at most for each step of another process
# What this process sets for itself (tests/client_portal/conftest.py), not for the others.
OWN_ENVIRONMENT = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(found, what: str, logs=()):
    """Poll `found()` until it returns something; fail with the processes' logs if it never
    does within WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"No {what} within {WAIT} s.\n" + "\n".join(log.read_text() for log in logs))


class Inbox:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy))
        return "250 Message accepted"

    def find(self, subject: str):
        return next((m for m in self.messages if m["Subject"] == subject), None)


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def broker():
    client = workers.broker_or_skip()
    queue = f"rootwise-test-{uuid.uuid4().hex}"
    yield queue
    workers.forget_queue(client, queue)
    client.close()


def shared_database_url(tmp_path) -> str:
    """A database the other processes reach with what this test has committed so far: the
    test database itself on PostgreSQL, a file copy of SQLite's in-memory one."""
    if connection.vendor == "postgresql":
        return workers.database_url(tmp_path)
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def start(tmp_path):
    """`start(name, command, environment)`: a process of the test, logged to
    `tmp_path/<name>.log`, stopped when the test ends."""
    processes = []

    def run(name: str, command: list[str], environment: dict):
        log = tmp_path / f"{name}.log"
        processes.append(workers.start(command, environment, log))
        return log

    yield run
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)


def test_a_due_measure_reaches_the_client_and_their_answers_reach_the_clinician(
    tmp_path, client_record, clinician, supervisor, inbox, broker, start, open_page
):
    client_record.email = "client.between.sessions@example.test"
    client_record.save(update_fields=["email"])
    MeasureScheduleFactory(client=client_record, next_due_at=timezone.now() - timedelta(minutes=1))
    messages, smtp_port = inbox
    queue = broker
    server_url = f"http://127.0.0.1:{free_port()}"
    environment = workers.environment(
        shared_database_url(tmp_path),
        DJANGO_SETTINGS_MODULE="tests.client_portal.e2e_settings",
        ROOTWISE_TEST_QUEUE=queue,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        ROOTWISE_PUBLIC_URL=server_url,
        GUNICORN_BIND=server_url.removeprefix("http://"),
        WEB_CONCURRENCY="2",
    )
    for own in OWN_ENVIRONMENT:
        environment.pop(own, None)
    worker_log = start("worker", workers.command(queue), environment)
    server_log = start(
        "server", [sys.executable, "-m", "gunicorn", "-c", "api/gunicorn.conf.py"], environment
    )
    logs = (worker_log, server_log)

    def serving():
        try:
            return requests.get(f"{server_url}/health/live", timeout=2).ok
        except requests.RequestException:
            return False

    until(serving, "server", logs)

    # The scheduler's minute comes: the tick runs on the worker.
    sender = workers.sender()
    sender.send_task("assessments.measures.tasks.tick", queue=queue)
    sender.close()

    invitation = until(
        lambda: next((m for m in messages.messages if m["To"] == client_record.email), None),
        "invitation email",
        logs,
    )
    text = invitation.get_content()
    assert invitation["Subject"] == f"{client_record.practice.name}: a short questionnaire"
    assert client_record.given_name not in text
    (address,) = re.findall(rf"{re.escape(server_url)}/m/[A-Za-z0-9_-]{{43}}/", text)

    page = open_page(address, width=320, javascript=False)  # the pages need none
    for index, value in enumerate(PHQ9_AT_RISK):
        page.locator(f'input[name="phq9-{index}"][value="{value}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()

    assert page.get_by_role("heading", level=1).text_content() == "Please read this now"
    assert client_record.practice.crisis_message in page.get_by_role("alert").text_content()

    signed_in = requests.post(
        f"{server_url}/api/v1/auth/token/",
        json={"email": clinician.email, "password": TEST_PASSWORD},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {signed_in.json()['access']}"
    assessments = api.get(
        f"{server_url}/api/v1/assessments/", params={"client": client_record.pk}, timeout=10
    )
    assert assessments.status_code == 200, assessments.text
    (assessment,) = assessments.json()["results"]
    assert assessment["instrument"] == "phq9"
    assert assessment["source"] == "client_self_report"
    assert assessment["responses"] == PHQ9_AT_RISK
    assert assessment["total_score"] == sum(PHQ9_AT_RISK)
    flags = api.get(f"{server_url}/api/v1/risk-flags/", params={"open": "true"}, timeout=10)
    assert flags.status_code == 200, flags.text
    (flag,) = flags.json()["results"]
    assert (flag["client"], flag["assessment"]) == (str(client_record.pk), assessment["id"])

    alert = until(lambda: messages.find(ALERT_SUBJECT), "risk alert email", logs)
    recipients = {address.addr_spec for address in alert["To"].addresses}
    assert recipients == {clinician.email, supervisor.email}
    assert client_record.given_name not in alert.get_content()
