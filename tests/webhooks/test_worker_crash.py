"""A worker killed mid-delivery loses nothing (api/events/tasks.py): the attempt dies
unrecorded, the delivery stays pending, and once its claim's lease has passed the dispatch
tick sends it again, to a restarted worker, which delivers it with the same `webhook-id`."""

import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks import Webhook

from api.events import delivery, tasks
from api.events.models import DeliveryStatus, OutboxEvent, Topic, WebhookDelivery
from api.tenancy import all_practices
from tests.tasks import workers

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The worker, another process, shares the test database only on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_killed_mid_delivery_loses_nothing(tmp_path, receiver, endpoint_to, client_record):
    broker = workers.broker_or_skip()
    queue = f"rootwise-test-{uuid.uuid4().hex}"
    env = workers.environment(workers.database_url(tmp_path))
    argv = workers.command(queue)
    sender = workers.sender()
    endpoint = endpoint_to(receiver.url, Topic.CLIENT_DISCHARGED)
    with transaction.atomic():
        event = OutboxEvent.objects.create(
            practice_id=client_record.practice_id,
            topic=Topic.CLIENT_DISCHARGED,
            client_id=client_record.pk,
            object_type="client",
            object_id=client_record.pk,
        )

    def tick(now) -> int:
        """The dispatch tick at `now`, its tasks sent through the broker to the worker."""

        def send(practice_id, delivery_id):
            transaction.on_commit(
                lambda: sender.send_task(
                    "api.events.tasks.deliver", args=[practice_id, delivery_id], queue=queue
                )
            )

        with mock.patch.object(tasks.deliver, "delay_on_commit", send), all_practices():
            tasks.fan_out(now)
            return tasks.send_due(now)

    first = workers.start(argv, env, tmp_path / "first.log")
    second = None
    try:
        receiver.hold.set()
        assert tick(timezone.now()) == 1
        assert receiver.arrived.wait(60), (tmp_path / "first.log").read_text()
        first.kill()  # mid-delivery: the request sent, its answer not yet read
        first.wait(timeout=20)
        receiver.released.set()

        row = WebhookDelivery.objects.get()
        assert row.status == DeliveryStatus.PENDING
        assert row.attempts == 0
        assert receiver.requests == []

        second = workers.start(argv, env, tmp_path / "second.log")
        after_the_lease = timezone.now() + delivery.CLAIM_LEASE + timedelta(seconds=1)
        deadline = time.monotonic() + 30
        while tick(after_the_lease) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)  # the killed worker's transaction may still hold the row a moment
        while not receiver.requests and time.monotonic() < deadline + 30:
            time.sleep(0.2)

        (request,) = receiver.requests
        assert request["headers"]["webhook-id"] == str(event.pk)
        Webhook(endpoint.secret).verify(request["body"], request["headers"])
        while time.monotonic() < deadline + 60:
            row.refresh_from_db()
            if row.status != DeliveryStatus.PENDING:
                break
            time.sleep(0.2)
        assert row.status == DeliveryStatus.SUCCEEDED, (tmp_path / "second.log").read_text()
        assert row.attempts == 1
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        sender.close()
        workers.forget_queue(broker, queue)
