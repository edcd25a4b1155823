from datetime import timedelta

from django.conf import settings
from django.db import models

from api.encryption import EncryptedJSONField, EncryptedTextField
from api.models import PracticeRow, RecordModel
from api.vocabulary import Root
from sessions.appointments.models import AppointmentSeries, CancellationReason  # noqa: F401


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


class SessionKind(models.TextChoices):
    INTAKE = "intake", "Intake"
    INDIVIDUAL = "individual", "Individual"
    COUPLE = "couple", "Couple"
    FAMILY = "family", "Family"
    GROUP = "group", "Group"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class RiskLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class NoteFormat(models.TextChoices):
    DAP = "dap", "DAP (data, assessment, plan)"
    SOAP = "soap", "SOAP (subjective, objective, assessment, plan)"
    BIRP = "birp", "BIRP (behavior, intervention, response, plan)"
    NARRATIVE = "narrative", "Narrative"


class Session(RecordModel, PracticeRow):
    """One therapy session with a client, and its clinical note.

    Once signed the note is locked: corrections are addenda.
    """

    parent_field = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="sessions")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    modality = models.CharField(max_length=20, choices=Modality.choices)
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, default=RiskLevel.NONE)
    note_format = models.CharField(max_length=20, choices=NoteFormat.choices, blank=True)
    note_sections = EncryptedJSONField(default=dict, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_sessions",
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cosigned_sessions",
    )
    # An appointment's bookkeeping (sessions/appointments).
    series = models.ForeignKey(
        "therapy_sessions.AppointmentSeries",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    cancellation_reason = models.CharField(
        max_length=20, choices=CancellationReason.choices, blank=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    double_booked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="session_duration_1_to_600",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True, signed_by__isnull=True)
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="session_signature_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(cosigned_at__isnull=True, cosigned_by__isnull=True)
                | models.Q(
                    cosigned_at__isnull=False, cosigned_by__isnull=False, signed_at__isnull=False
                ),
                name="session_cosigned_only_after_signing",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True) | ~models.Q(note_format=""),
                name="session_signed_note_exists",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SessionStatus.values), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(note_format__in=[*NoteFormat.values, ""]),
                name="session_note_format_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(cancellation_reason__in=[*CancellationReason.values, ""]),
                name="session_cancellation_reason_valid",
            ),
        ]
        indexes = [
            # The list's own order: a page is read off in order, however deep, and stops at
            # its last row instead of sorting every session of the caseload.
            models.Index(fields=["-starts_at", "id"]),
            models.Index(fields=["client", "-starts_at"]),
            models.Index(fields=["clinician", "-starts_at"]),
        ]

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def roots_addressed(self) -> list[str]:
        return [session_root.root for session_root in self.roots.all()]


class SessionRoot(PracticeRow):
    """A root of insecurity that presented or was worked on in a session."""

    parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roots")
    root = models.CharField(max_length=32, choices=Root.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "root"], name="session_root_once"),
            models.CheckConstraint(
                condition=models.Q(root__in=Root.values), name="session_root_code_valid"
            ),
        ]
        indexes = [models.Index(fields=["root", "session"])]

    def __str__(self) -> str:
        return self.root


class Addendum(RecordModel, PracticeRow):
    """A dated, authored addition to a signed note. Never edited, never deleted."""

    parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="addenda"
    )
    text = EncryptedTextField()

    class Meta:
        ordering = ["created_at", "id"]


# The homework models live with the rest of homework; importing them here registers them with
# this app, as Django looks for an app's models in its models module.
from sessions.homework.models import Homework, HomeworkStatus, HomeworkTemplate  # noqa: E402, F401
