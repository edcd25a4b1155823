"""Homework: the practice's reusable templates and the homework assigned to clients."""

from django.conf import settings
from django.db import models

from api.encryption import EncryptedTextField
from api.models import PracticeRow, RecordModel
from api.vocabulary import Strategy


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


class Homework(RecordModel, PracticeRow):
    """Homework from the strategy set, assigned to a client, usually in a session.

    Its status moves once, forward from `assigned`.
    """

    parent_field = "client"

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="homework")
    session = models.ForeignKey(
        "therapy_sessions.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="homework",
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
