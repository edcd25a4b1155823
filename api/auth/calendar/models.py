from django.conf import settings
from django.db import models

from api.models import PracticeRow, RecordModel

DEFAULT_LABEL = "Client session"
LABEL_MAX_LENGTH = 60


class EventTitle(models.TextChoices):
    LABEL = "label", "The feed's label"
    INITIALS = "initials", "The client's initials"


class CalendarFeed(RecordModel, PracticeRow):
    """A clinician's private calendar feed: at most one per person. Its address holds a token
    that is stored only as its SHA-256 digest (`api.secret_tokens`); rotating replaces it,
    revoking deletes the feed. Each event is titled with the feed's `label` or, if the
    clinician chose so, with the client's initials: never anything else about the client."""

    parent_field = "user"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    event_title = models.CharField(
        max_length=20, choices=EventTitle.choices, default=EventTitle.LABEL
    )
    label = models.CharField(max_length=LABEL_MAX_LENGTH, default=DEFAULT_LABEL)
    issued_at = models.DateTimeField(help_text="When the feed's current address was issued.")
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event_title__in=EventTitle.values),
                name="calendar_feed_event_title_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(label=""), name="calendar_feed_label_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
