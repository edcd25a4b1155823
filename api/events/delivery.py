"""Sending one delivery (docs/webhooks.md): the event's payload, signed as Standard Webhooks
says, POSTed to the endpoint's checked address. A 2xx answer delivers it; anything else (a
redirect, an error, a timeout, an address refused) schedules a retry, with exponential backoff
and jitter, until RETRY_WINDOW has passed. An endpoint that has failed for
DISABLE_AFTER without a success between is disabled, and the practice's admins are told."""

import json
import random
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from standardwebhooks import Webhook

from api.auth.models import Role, User
from api.events import http, ssrf
from api.events.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from api.events.services import signing_secrets
from api.tenancy import practice_scope

RETRY_WINDOW = timedelta(hours=26)
DISABLE_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)
# A claimed delivery is due again after this, should its task never finish (a worker killed).
CLAIM_LEASE = timedelta(minutes=5)


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def headers(delivery: WebhookDelivery, body: str, now: datetime) -> dict:
    """Standard Webhooks' headers: the event's id, the time of sending, and one signature per
    signing secret, space-separated."""
    msg_id = str(delivery.event_id)
    secrets = signing_secrets(delivery.endpoint, now)
    signatures = [Webhook(secret).sign(msg_id, now, body) for secret in secrets]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": "Rootwise-Webhooks/1",
    }


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: doubling from FIRST_RETRY up to LONGEST_WAIT,
    drawn at random between half and all of it, so failures together do not retry together."""
    ceiling = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)


def deliver(practice_id, delivery_id, *, now: datetime | None = None) -> str | None:
    """Attempt the delivery if still pending and its endpoint enabled; its status after.

    The POST waits on another system for up to the timeout, so no transaction, row lock or
    pooled server connection is held across it: the delivery is read in one transaction and its
    outcome recorded in a second. Should another attempt have been recorded in between (a
    replay, a lease run out), this one's outcome is dropped: the receiver de-duplicates by
    `webhook-id`."""
    with practice_scope(practice_id):
        delivery = _pending(delivery_id).first()
    if delivery is None:
        return None
    now = now or timezone.now()
    outcome = attempt(delivery, now)
    with practice_scope(practice_id):
        current = _pending(delivery_id).select_for_update(of=("self",)).first()
        if current is None or current.attempts != delivery.attempts:
            return current.status if current else None
        record(current, outcome, now)
        return current.status


def _pending(delivery_id):
    return WebhookDelivery.objects.select_related("endpoint", "event").filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, endpoint__enabled=True
    )


def record(delivery: WebhookDelivery, outcome: tuple, now: datetime) -> None:
    """Store an attempt's outcome: delivered, retried with backoff, or given up; and an
    endpoint failing for DISABLE_AFTER disabled."""
    status_code, error, latency_ms = outcome
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    delivery.last_latency_ms = latency_ms
    delivery.last_error = error
    endpoint = delivery.endpoint
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.failing_since = None
    else:
        if now - delivery.retrying_since >= RETRY_WINDOW:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        endpoint.failing_since = endpoint.failing_since or now
        if now - endpoint.failing_since >= DISABLE_AFTER:
            disable(endpoint)
    delivery.save()
    endpoint.save(update_fields=["failing_since", "enabled", "disabled_reason", "updated_at"])


def attempt(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str, int | None]:
    """The receiver's status code, an error ("" for a 2xx) and the latency in milliseconds."""
    endpoint = delivery.endpoint
    try:
        target = ssrf.check(endpoint.url, allow_private_network=endpoint.allow_private_network)
    except ssrf.RefusedURL as refused:
        return None, f"Refused: {refused}"[:200], None
    body = json.dumps(delivery.event.payload, separators=(",", ":"))
    started = time.monotonic()
    try:
        status_code = http.post(
            target, body.encode(), headers(delivery, body, now), timeout=timeout()
        )
    except TimeoutError:
        return None, "Timed out", None
    except OSError as error:
        return None, f"Connection failed: {type(error).__name__}"[:200], None
    latency_ms = round((time.monotonic() - started) * 1000)
    if 200 <= status_code < 300:
        return status_code, "", latency_ms
    return status_code, f"HTTP {status_code}", latency_ms


def disable(endpoint: WebhookEndpoint) -> None:
    """Disable a failing endpoint and tell the practice's admins, naming no client."""
    endpoint.enabled = False
    endpoint.disabled_reason = "Disabled after failing for 24 hours without a successful delivery."
    admins = User.objects.filter(
        practice_id=endpoint.practice_id, role=Role.ADMIN, is_active=True
    ).values_list("email", flat=True)
    if admins:
        send_mail(
            "Rootwise: a webhook endpoint was disabled",
            f"The webhook endpoint {endpoint.pk} ({urlsplit(endpoint.url).hostname}) has failed "
            "every delivery for 24 hours and was disabled. Deliveries wait until an administrator "
            "enables it again; replay what it missed from its delivery log.",
            None,
            list(admins),
        )
