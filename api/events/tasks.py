"""Webhooks' background work (conventions: api/tasks.py). `dispatch` runs every few seconds
(`CELERY_BEAT_SCHEDULE`): it fans each new outbox event out to the endpoints subscribed to its
topic, one delivery each, then sends a practice task per delivery due, each taken by one tick
only. A delivery is due again after a lease should its task never finish, so a worker killed
mid-delivery loses nothing: at least once, never lost, de-duplicated by `webhook-id`."""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from api.events import delivery
from api.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery, WebhookEndpoint
from api.tasks import claim_due, network_task, periodic_task


@network_task
def deliver(practice_id, delivery_id):
    return delivery.deliver(practice_id, delivery_id)


@periodic_task
def dispatch():
    now = timezone.now()
    return {"fanned_out": fan_out(now), "sent": send_due(now)}


def fan_out(now: datetime) -> int:
    """One delivery per new event and enabled endpoint subscribed to its topic then."""
    undispatched = OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("occurred_at")
    events = claim_due(undispatched.only("pk", "practice_id", "topic"))
    if not events:
        return 0
    OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=now)
    endpoints = defaultdict(list)
    enabled = WebhookEndpoint.objects.filter(
        enabled=True, practice_id__in={event.practice_id for event in events}
    ).only("pk", "practice_id", "topics")
    for endpoint in enabled:
        endpoints[endpoint.practice_id].append(endpoint)
    deliveries = [
        WebhookDelivery(
            practice_id=event.practice_id,
            endpoint_id=endpoint.pk,
            event_id=event.pk,
            next_attempt_at=now,
            retrying_since=now,
        )
        for event in events
        for endpoint in endpoints[event.practice_id]
        if event.topic in endpoint.topics
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def send_due(now: datetime) -> int:
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__enabled=True
    ).order_by("next_attempt_at")
    claimed = claim_due(due.only("pk", "practice_id"))
    WebhookDelivery.objects.filter(pk__in=[row.pk for row in claimed]).update(
        next_attempt_at=now + delivery.CLAIM_LEASE
    )
    for row in claimed:
        deliver.delay_on_commit(str(row.practice_id), str(row.pk))
    return len(claimed)
