from django.conf import settings
from django.db import models

from api.encryption import EncryptedJSONField, EncryptedTextField
from api.models import RecordModel
from api.vocabulary import Root, Strategy


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


class Session(RecordModel):
    """One therapy session with a client, and its clinical note.

    Once signed the note is locked: corrections are addenda.
    """

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
    def roots_addressed(self) -> list[str]:
        return [session_root.root for session_root in self.roots.all()]


class SessionRoot(models.Model):
    """A root of insecurity that presented or was worked on in a session."""

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


class Addendum(RecordModel):
    """A dated, authored addition to a signed note. Never edited, never deleted."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="addenda"
    )
    text = EncryptedTextField()

    class Meta:
        ordering = ["created_at", "id"]


class HomeworkTemplate(RecordModel):
    """A reusable piece of homework for one strategy. Built-in templates (no practice) ship
    with Rootwise and are read-only; a practice's own are visible to that practice only."""

    practice = models.ForeignKey(
        "accounts.Practice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="homework_templates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="homework_templates",
    )
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField()
    target_roots = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["strategy", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategy__in=Strategy.values),
                name="homework_template_strategy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(practice__isnull=True, author__isnull=True)
                | models.Q(practice__isnull=False, author__isnull=False),
                name="homework_template_builtin_or_authored",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.practice_id is None


class HomeworkStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    COMPLETED = "completed", "Completed"
    PARTIALLY_COMPLETED = "partially_completed", "Partially completed"
    NOT_COMPLETED = "not_completed", "Not completed"
    CANCELLED = "cancelled", "Cancelled"


class Homework(RecordModel):
    """Homework from the strategy set, assigned to a client, usually in a session.

    Its status moves once, forward from `assigned`.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="homework")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="homework"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_homework"
    )
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    template = models.ForeignKey(
        HomeworkTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="homework"
    )
    # Clinical free text, written for one client: encrypted like notes (at most 200 characters,
    # as the serializer checks; the ciphertext is longer).
    title = EncryptedTextField()
    instructions = EncryptedTextField(blank=True)
    target_roots = models.JSONField(default=list, blank=True)
    assigned_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=24, choices=HomeworkStatus.choices, default=HomeworkStatus.ASSIGNED
    )
    completed_on = models.DateField(null=True, blank=True)
    helpfulness = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-assigned_on", "-created_at", "id"]
        verbose_name_plural = "homework"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategy__in=Strategy.values), name="homework_strategy_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HomeworkStatus.values), name="homework_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True)
                | models.Q(due_on__gte=models.F("assigned_on")),
                name="homework_due_not_before_assigned",
            ),
            models.CheckConstraint(
                condition=models.Q(helpfulness__isnull=True) | models.Q(helpfulness__lte=10),
                name="homework_helpfulness_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(
                    status__in=[HomeworkStatus.COMPLETED, HomeworkStatus.PARTIALLY_COMPLETED]
                ),
                name="homework_completed_on_only_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title
