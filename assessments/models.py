from django.conf import settings
from django.db import models

from api.encryption import EncryptedTextField
from api.models import PracticeRow, RecordModel
from assessments.instruments import INSTRUMENT_CHOICES


class AssessmentSource(models.TextChoices):
    CLINICIAN = "clinician", "Clinician-administered"
    SELF_REPORT = "self_report", "Self-report"
    CLIENT_SELF_REPORT = "client_self_report", "Self-report from an invitation's link"


# The sources a member of staff may record; `client_self_report` is Rootwise's to set.
RECORDABLE_SOURCES = [
    (value, label)
    for value, label in AssessmentSource.choices
    if value != AssessmentSource.CLIENT_SELF_REPORT
]


class Assessment(RecordModel, PracticeRow):
    """One administration of an instrument, scored by the server on creation.

    Never edited, never deleted: a mistaken one is voided, which keeps it on record and removes
    it from progress.
    """

    parent_field = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="assessments"
    )
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    administered_on = models.DateField()
    source = models.CharField(
        max_length=20, choices=AssessmentSource.choices, default=AssessmentSource.CLINICIAN
    )
    session = models.ForeignKey(
        "therapy_sessions.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # None for a client's own answers from an invitation's link (`invitation`).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_assessments",
    )
    invitation = models.ForeignKey(
        "assessments.MeasureInvitation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    responses = models.JSONField()
    total_score = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=32, blank=True)
    subscores = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voided_assessments",
    )
    void_reason = EncryptedTextField(blank=True)
    same_day_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-administered_on", "-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(instrument__in=[code for code, _ in INSTRUMENT_CHOICES]),
                name="assessment_instrument_known",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=AssessmentSource.values),
                name="assessment_source_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        source=AssessmentSource.CLIENT_SELF_REPORT,
                        invitation__isnull=False,
                        recorded_by__isnull=True,
                    )
                    | (
                        ~models.Q(source=AssessmentSource.CLIENT_SELF_REPORT)
                        & models.Q(invitation__isnull=True, recorded_by__isnull=False)
                    )
                ),
                name="assessment_recorded_by_or_invitation",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                    | (
                        models.Q(voided_at__isnull=False, voided_by__isnull=False)
                        & ~models.Q(void_reason="")
                    )
                ),
                name="assessment_void_complete",
            ),
        ]
        indexes = [models.Index(fields=["client", "instrument", "administered_on"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def severity_or_none(self) -> str | None:
        return self.severity or None


class RiskFlag(RecordModel, PracticeRow):
    """A risk raised by an assessment answer (PHQ-9 item 9 above 0). It stays open until a
    clinician of the client acknowledges it; voiding the assessment does not close it."""

    parent_field = "client"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="risk_flags"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="risk_flags")
    flag = models.CharField(max_length=32)
    description = models.CharField(max_length=300)
    raised_on = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acknowledged_risk_flags",
    )
    acknowledgement_note = EncryptedTextField(blank=True)
    # A flag from a client's own answers alerts its clinicians by email (assessments/measures).
    alert_sent_at = models.DateTimeField(null=True, blank=True)
    alert_escalate_at = models.DateTimeField(null=True, blank=True)
    alert_escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "flag"], name="risk_flag_once"),
            models.CheckConstraint(
                condition=(
                    models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                    | (
                        models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                        & ~models.Q(acknowledgement_note="")
                    )
                ),
                name="risk_flag_acknowledgement_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "acknowledged_at"]),
            models.Index(fields=["acknowledged_at", "alert_escalate_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.flag} {self.raised_on}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


# The measures models live with the rest of measures; importing them here registers them.
from assessments.measures.models import (  # noqa: E402, F401
    MeasureInvitation,
    MeasureSchedule,
)
