"""Appointments: a scheduled session is an appointment; a recurring series is a run of them,
each a session of its own (docs/api-guide.md, "Building the day view")."""

from django.conf import settings
from django.db import models

from api.models import PracticeRow, RecordModel


class CancellationReason(models.TextChoices):
    CLIENT_CANCELLED = "client_cancelled", "Cancelled by the client"
    LATE_CANCELLATION = "late_cancellation", "Cancelled late by the client"
    CLINICIAN_CANCELLED = "clinician_cancelled", "Cancelled by the clinician"
    OTHER = "other", "Other"


class AppointmentSeries(RecordModel, PracticeRow):
    """Appointments every `interval_weeks` weeks at the same local time (the practice's
    calendar, across daylight-saving changes), from `starts_at`, until `ends_on` or for
    `count` occurrences. Each occurrence is a session with `series` set, changed or cancelled
    on its own or with those that follow."""

    parent_field = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="appointment_series"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointment_series"
    )
    starts_at = models.DateTimeField()
    interval_weeks = models.PositiveSmallIntegerField()
    ends_on = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_weeks__gte=1, interval_weeks__lte=4),
                name="appointment_series_interval_1_to_4_weeks",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=False) | models.Q(count__isnull=False),
                name="appointment_series_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"every {self.interval_weeks} week(s) from {self.starts_at:%Y-%m-%d}"
