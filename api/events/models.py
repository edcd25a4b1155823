"""The outbox (docs/webhooks.md): one row per event, written in the transaction of the change
that causes it, so that there is no event without its change and no change without its event.
Its id is the event's id for good (the `webhook-id` a receiver de-duplicates by)."""

import uuid

from django.db import models

from api.encryption import EncryptedTextField
from api.models import RecordModel


class Topic(models.TextChoices):
    ASSESSMENT_RECORDED = "assessment.recorded", "An assessment was recorded"
    RISK_FLAG_RAISED = "risk_flag.raised", "A risk flag was raised"
    RISK_FLAG_ACKNOWLEDGED = "risk_flag.acknowledged", "A risk flag was acknowledged"
    SESSION_SIGNED = "session.signed", "A session's note was signed"
    SESSION_COSIGNED = "session.cosigned", "A session's note was co-signed"
    HOMEWORK_COMPLETED = "homework.completed", "Homework was completed"
    MEASURE_COMPLETED = "measure.completed", "A client completed a measure from its link"
    MEASURE_EXPIRED = "measure.expired", "A measure's link expired unanswered"
    CLIENT_DISCHARGED = "client.discharged", "A client was discharged"

    @property
    def object_type(self) -> str:
        """The kind of record an event of this topic is about."""
        return _OBJECT_TYPES[self]


_OBJECT_TYPES = {
    Topic.ASSESSMENT_RECORDED: "assessment",
    Topic.RISK_FLAG_RAISED: "risk_flag",
    Topic.RISK_FLAG_ACKNOWLEDGED: "risk_flag",
    Topic.SESSION_SIGNED: "session",
    Topic.SESSION_COSIGNED: "session",
    Topic.HOMEWORK_COMPLETED: "homework",
    Topic.MEASURE_COMPLETED: "measure_invitation",
    Topic.MEASURE_EXPIRED: "measure_invitation",
    Topic.CLIENT_DISCHARGED: "client",
}


class OutboxEvent(models.Model):
    """What happened, to which record of which client of which practice, and when: ids only,
    never a name, a note, a score or an answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+", editable=False
    )
    topic = models.CharField(max_length=32, choices=Topic.choices)
    occurred_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField()
    object_type = models.CharField(max_length=32)
    object_id = models.UUIDField()
    # When the dispatch tick fanned it out to the endpoints subscribed then (api/events/tasks.py).
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__in=Topic.values), name="outbox_event_topic_known"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "occurred_at"]),
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_event_undispatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.object_id}"

    @property
    def payload(self) -> dict:
        """The event as receivers get it (Standard Webhooks' `type`, `timestamp`, `data`)."""
        return {
            "type": self.topic,
            "timestamp": self.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": {
                "practice": str(self.practice_id),
                "client": str(self.client_id),
                "object": {"type": self.object_type, "id": str(self.object_id)},
            },
        }


class WebhookEndpoint(RecordModel):
    """Where a practice's events are sent (docs/webhooks.md): an URL, the topics it subscribes
    to, and the secret its deliveries are signed with. The secret is stored encrypted, not
    hashed: it must be recovered to sign. During a rotation the previous secret signs too, until
    `previous_secret_expires_at`."""

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+", editable=False
    )
    url = models.URLField(max_length=2000)
    topics = models.JSONField()
    enabled = models.BooleanField(default=True)
    # For a receiver on the practice's own network (on-premise): private, loopback and
    # link-local addresses are refused unless this is set (api/events/ssrf.py).
    allow_private_network = models.BooleanField(default=False)
    secret = EncryptedTextField(editable=False)
    previous_secret = EncryptedTextField(blank=True, default="", editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"webhook endpoint {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending: to be sent, or retried"
    SUCCEEDED = "succeeded", "Succeeded: the receiver answered 2xx"
    FAILED = "failed", "Failed: retries gave up"


class WebhookDelivery(RecordModel):
    """One event to one endpoint: one logical delivery however many attempts it takes, all
    with the event's id as `webhook-id`. `last_error` is a short technical reason (a status, a
    timeout), never a body from the receiver."""

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+", editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The start of the current run of attempts (creation, or the last replay): retries stop a
    # while after it (api/events/delivery.py).
    retrying_since = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk}"
