"""The outbox (docs/webhooks.md): one row per event, written in the transaction of the change
that causes it, so that there is no event without its change and no change without its event.
Its id is the event's id for good (the `webhook-id` a receiver de-duplicates by)."""

import uuid

from django.db import models


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

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__in=Topic.values), name="outbox_event_topic_known"
            ),
        ]
        indexes = [models.Index(fields=["practice", "occurred_at"])]

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
