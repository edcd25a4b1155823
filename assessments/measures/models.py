"""Measures between sessions: a clinician's schedule for a client's self-reports, and the
invitations it sends (docs/measures.md)."""

from django.conf import settings
from django.db import models

from api.models import PracticeRow, RecordModel


class ScheduleKind(models.TextChoices):
    ONCE = "once", "Once, on a date"
    EVERY = "every", "Every N days or weeks"
    BEFORE_SESSION = "before_session", "N hours before each scheduled session"


class IntervalUnit(models.TextChoices):
    DAYS = "days", "Days"
    WEEKS = "weeks", "Weeks"


class ScheduleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped (for good)"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MeasureSchedule(RecordModel, PracticeRow):
    """When a client is asked to complete which instruments. `next_due_at` is the next moment
    an invitation is due (none when the schedule sends around sessions, or has ended)."""

    parent_field = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="measure_schedules"
    )
    instruments = models.JSONField()
    kind = models.CharField(max_length=16, choices=ScheduleKind.choices)
    starts_on = models.DateField(null=True, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_unit = models.CharField(
        max_length=8, choices=IntervalUnit.choices, blank=True, default=""
    )
    ends_on = models.DateField(null=True, blank=True)
    max_sends = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_before_session = models.PositiveSmallIntegerField(null=True, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(
        max_length=8, choices=ScheduleStatus.choices, default=ScheduleStatus.ACTIVE
    )
    next_due_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ScheduleKind.values), name="measure_schedule_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ScheduleStatus.values),
                name="measure_schedule_status",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="measure_schedule_channel"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ScheduleKind.ONCE, starts_on__isnull=False)
                    | models.Q(
                        kind=ScheduleKind.EVERY,
                        starts_on__isnull=False,
                        interval__gte=1,
                        interval_unit__in=IntervalUnit.values,
                    )
                    | models.Q(kind=ScheduleKind.BEFORE_SESSION, hours_before_session__gte=1)
                ),
                name="measure_schedule_timing_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {','.join(self.instruments)}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Not yet sent"
    SENT = "sent", "Sent, not yet completed"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


OPEN_INVITATION = (InvitationStatus.PENDING, InvitationStatus.SENT)


class MeasureInvitation(RecordModel, PracticeRow):
    """A request to one client to complete a set of instruments, through a link. The link's
    token is stored only as its SHA-256 digest; a reminder sends a new token, which ends the
    old one. Completed, expired and revoked invitations take no answers."""

    parent_field = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="measure_invitations"
    )
    schedule = models.ForeignKey(
        MeasureSchedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    session = models.ForeignKey(
        "therapy_sessions.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measure_invitations",
    )
    instruments = models.JSONField()
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=InvitationStatus.values),
                name="measure_invitation_status",
            ),
            models.UniqueConstraint(
                fields=["schedule", "session"],
                condition=models.Q(session__isnull=False),
                name="measure_invitation_once_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["status", "remind_at"]),
            models.Index(fields=["client", "status"]),
        ]

    def __str__(self) -> str:
        return f"{','.join(self.instruments)} {self.status}"
