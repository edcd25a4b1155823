"""Webhook endpoints' secrets and replays (docs/webhooks.md)."""

import base64
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from api.events.models import DeliveryStatus, OutboxEvent, WebhookDelivery, WebhookEndpoint

SECRET_BYTES = 32
# How long a rotated-out secret still signs, so receivers can switch without losing a delivery.
ROTATION_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes one: `whsec_` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def endpoint_create(*, practice_id, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(practice_id=practice_id, secret=new_secret(), **fields)


def endpoint_update(endpoint: WebhookEndpoint, **fields) -> WebhookEndpoint:
    for name, value in fields.items():
        setattr(endpoint, name, value)
    if fields.get("enabled"):
        # Enabled again by an admin: its failures so far no longer count against it.
        endpoint.disabled_reason = ""
        endpoint.failing_since = None
    endpoint.save()
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> WebhookEndpoint:
    """A new secret; the one it replaces still signs for ROTATION_OVERLAP."""
    now = now or timezone.now()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret = new_secret()
    endpoint.save()
    return endpoint


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one during
    its overlap."""
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires and now < expires:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def replay(deliveries, *, now: datetime | None = None) -> int:
    """Send these deliveries again, whatever became of them, as soon as the dispatch tick runs;
    each keeps its `webhook-id`."""
    now = now or timezone.now()
    return deliveries.update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, retrying_since=now, updated_at=now
    )


def replay_since(endpoint: WebhookEndpoint, since: datetime, *, now: datetime | None = None) -> int:
    """Every event of the endpoint's topics since `since` sent to it again (or for the first
    time, if it was not subscribed or registered then)."""
    now = now or timezone.now()
    events = OutboxEvent.objects.filter(
        practice_id=endpoint.practice_id, occurred_at__gte=since, topic__in=endpoint.topics
    )
    known = set(
        WebhookDelivery.objects.filter(endpoint=endpoint, event__in=events).values_list(
            "event_id", flat=True
        )
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            practice_id=endpoint.practice_id,
            endpoint=endpoint,
            event_id=event_id,
            next_attempt_at=now,
            retrying_since=now,
        )
        for event_id in events.values_list("id", flat=True)
        if event_id not in known
    )
    replay(WebhookDelivery.objects.filter(endpoint=endpoint, event__in=events), now=now)
    return events.count()
