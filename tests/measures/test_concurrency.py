"""Many at once, as production runs: schedulers ticking together, two Celery workers taking
ticks from one queue, and a client's double (or twentyfold) submission. Each due date is sent
once, each link's answers stored once. These run against committed rows in transactions of
their own (transactional tests), each thread or process with its own connection."""

import concurrent.futures
import email
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.measures import tasks
from assessments.measures.models import MeasureInvitation, MeasureSchedule
from assessments.models import Assessment
from tests.factories import MeasureInvitationFactory, MeasureScheduleFactory
from tests.measures.conftest import CALM_PHQ9, CLIENT_EMAIL, GAD7, answers_url
from tests.tasks import workers

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The claim's guarantee is PostgreSQL's row locks (SKIP LOCKED). SQLite has none: "
    "there each write transaction takes the database's one write lock as it begins, and the "
    "tests' in-memory database, shared between threads, refuses a second writer at once "
    "('database table is locked') where a file waits for it; a worker, another process, cannot "
    "reach that database at all. A race there tests nothing.",
)
pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def at_once(count: int, work) -> list:
    """`work()` in `count` threads released together, each with its own connection."""
    start = threading.Barrier(count)

    def run():
        start.wait()
        try:
            return work()
        finally:
            close_old_connections()
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return [future.result() for future in [pool.submit(run) for _ in range(count)]]


@pytest.fixture
def due(measured_client):
    """Five schedules due a minute ago, committed."""
    return MeasureScheduleFactory.create_batch(
        5, client=measured_client, next_due_at=timezone.now() - timedelta(minutes=1)
    )


def test_schedulers_ticking_together_send_each_due_date_once(due):
    mail.outbox = []

    counts = at_once(8, tasks.tick)

    assert sum(count["sent"] for count in counts) == 5
    assert MeasureInvitation.objects.count() == 5
    assert sorted(MeasureSchedule.objects.values_list("sends", flat=True)) == [1] * 5
    assert len(mail.outbox) == 5
    assert MeasureInvitation.objects.filter(status="sent").count() == 5


def test_twenty_submissions_of_one_link_store_it_once(measured_client):
    invitation = MeasureInvitationFactory(client=measured_client, instruments=["phq9", "gad7"])
    answers = {"phq9": CALM_PHQ9, "gad7": GAD7}

    def post():
        response = APIClient().post(
            answers_url(invitation.token), {"answers": answers}, format="json"
        )
        return response.status_code, response.content

    responses = at_once(20, post)

    statuses = {status for status, _ in responses}
    assert statuses <= {201, 404}, responses
    assert len({body for status, body in responses if status == 201}) == 1
    assert 201 in statuses
    assert Assessment.objects.count() == 2  # one per instrument
    assert MeasureInvitation.objects.get(pk=invitation.pk).status == "completed"


# --- Two Celery workers ---------------------------------------------------------------------------

# A worker whose tasks send their own tasks (a tick, its deliveries) to the queue it listens
# on, one of the test's own in the broker's database.
WORKER = (
    "import sys; from api.celery import app; queue, name = sys.argv[1:]; "
    "app.conf.task_default_queue = queue; "
    "app.worker_main(['worker', '--pool=solo', f'--queues={queue}', f'--hostname={name}@%h', "
    "'--without-gossip', '--without-mingle', '--without-heartbeat', '--loglevel=INFO'])"
)


@pytest.fixture
def two_workers(tmp_path):
    broker = workers.broker_or_skip()
    queue = f"rootwise-test-{uuid.uuid4().hex}"
    outbox = tmp_path / "outbox"
    env = workers.environment(workers.database_url(tmp_path), EMAIL_FILE_PATH=str(outbox))
    logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    processes = [
        workers.start([sys.executable, "-c", WORKER, queue, f"worker{n}-{queue}"], env, log)
        for n, log in enumerate(logs, start=1)
    ]
    sender = workers.sender()

    def send(name: str) -> None:
        sender.send_task(name, queue=queue)

    try:
        yield send, outbox, logs, lambda: broker.llen(queue)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        sender.close()
        workers.forget_queue(broker, queue)


def logged(logs, task: str, event: str) -> int:
    """How many times the workers logged `event` ("received", "succeeded") of `task`."""
    return sum(
        1
        for log in logs
        for line in log.read_text().splitlines()
        if f"{task}[" in line and event in line
    )


def wait_until_done(logs, queued, *, ticks: int, timeout: float = 60) -> None:
    """Until the workers together ran every tick, and every delivery the ticks sent (sent as
    each tick's transaction commits, before the tick ends), and the queue is empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticked = logged(logs, "assessments.measures.tasks.tick", "succeeded")
        delivery = "assessments.measures.tasks.deliver_invitation"
        delivered = logged(logs, delivery, "succeeded")
        if ticked == ticks and delivered == logged(logs, delivery, "received") and not queued():
            return
        time.sleep(0.2)
    pytest.fail("The workers did not finish:\n" + "\n".join(log.read_text() for log in logs))


def emails(outbox) -> list:
    separator = "-" * 79 + "\n"
    texts = [path.read_text() for path in sorted(outbox.glob("*.log"))] if outbox.exists() else []
    return [email.message_from_string(m) for text in texts for m in text.split(separator) if m]


def test_two_workers_ticking_together_send_one_email(two_workers, measured_client):
    send, outbox, logs, queued = two_workers
    MeasureScheduleFactory(
        client=measured_client, next_due_at=timezone.now() - timedelta(minutes=1)
    )

    for _ in range(6):
        send("assessments.measures.tasks.tick")

    wait_until_done(logs, queued, ticks=6)
    (message,) = emails(outbox)
    assert message["To"] == CLIENT_EMAIL
    assert MeasureInvitation.objects.get().status == "sent"
    assert MeasureSchedule.objects.get().sends == 1
