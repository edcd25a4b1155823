from django.conf import settings
from django.db import models

from api.auth.models import Practice
from api.encryption import EncryptedTextField
from api.models import PracticeRow, RecordModel
from api.vocabulary import Root


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class Client(RecordModel):
    """A person in therapy with the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    intake_date = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="primary_clients"
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="care_team_clients",
        through="CareTeamMember",
    )
    external_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "external_id"],
                condition=~models.Q(external_id=""),
                name="client_external_id_unique_in_practice",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClientStatus.values), name="client_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=ClientStatus.ACTIVE, discharged_on__isnull=True)
                    | models.Q(status=ClientStatus.DISCHARGED, discharged_on__isnull=False)
                ),
                name="client_discharged_on_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "family_name", "given_name"]),
            models.Index(fields=["practice", "created_at"]),
            models.Index(fields=["primary_clinician", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        """How staff address a client: their preferred name, or else their given name, then
        their family name."""
        return f"{self.preferred_name or self.given_name} {self.family_name}"


class CareTeamMember(PracticeRow):
    """A member of staff on a client's care team (`Client.care_team`)."""

    parent_field = "client"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "clients_client_care_team"  # the table the plain many-to-many field made
        unique_together = [("client", "user")]


class PresentingRoot(PracticeRow):
    """A root of insecurity presenting in a client: each root at most once, one primary."""

    parent_field = "client"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="presenting_roots")
    root = models.CharField(max_length=32, choices=Root.choices)
    severity = models.PositiveSmallIntegerField()
    is_primary = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "root"], name="presenting_root_once"),
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_primary=True),
                name="presenting_root_one_primary",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=5),
                name="presenting_root_severity_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(root__in=Root.values), name="presenting_root_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.root
