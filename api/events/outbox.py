"""Writing events to the outbox (api/events/models.py). Call `emit` inside the transaction of
the change the event tells of: should the change roll back, so does its event."""

from django.db import connection

from api.events.models import OutboxEvent, Topic


def emit(topic: Topic, record, *, client_id=None) -> OutboxEvent:
    """The event that `record` (a row of a practice, of a client) saw `topic` happen."""
    if not connection.in_atomic_block:
        raise RuntimeError("An event is written in the transaction of its change.")
    return OutboxEvent.objects.create(
        practice_id=record.practice_id,
        topic=topic,
        client_id=client_id or record.client_id,
        object_type=topic.object_type,
        object_id=record.pk,
    )


def emit_many(topic: Topic, records) -> list[OutboxEvent]:
    """One event per record, in one insert."""
    if not connection.in_atomic_block:
        raise RuntimeError("An event is written in the transaction of its change.")
    return OutboxEvent.objects.bulk_create(
        OutboxEvent(
            practice_id=record.practice_id,
            topic=topic,
            client_id=record.client_id,
            object_type=topic.object_type,
            object_id=record.pk,
        )
        for record in records
    )
