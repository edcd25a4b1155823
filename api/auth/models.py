from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from api.encryption import EncryptedTextField
from api.models import RecordModel
from api.timezones import TIME_ZONE_HELP, default_time_zone

# What a client at risk reads unless their practice has written its own (`crisis_text`). It
# names services of several countries because Rootwise cannot know the practice's: every
# practice should replace it with its own region's (docs/measures.md).
DEFAULT_CRISIS_TEXT = (
    "If you are thinking about harming yourself, or you are in danger now, please get help "
    "straight away: call your local emergency number (911 in the US and Canada, 999 or 112 in "
    "the UK, 112 in the European Union, 000 in Australia, 111 in New Zealand) or go to the "
    "nearest emergency department. You can also talk to a crisis line at any hour: call or text "
    "988 in the US and Canada; call Samaritans on 116 123 in the UK and Ireland; call Lifeline "
    "on 13 11 14 in Australia. Please also tell your clinician how you are feeling."
)


class Practice(RecordModel):
    """The tenant: every record belongs to exactly one practice and nothing crosses."""

    name = models.CharField(max_length=200)
    # An IANA name, checked against the tz database by the services that write it (the
    # database cannot hold that list, which changes with each tz release).
    time_zone = models.CharField(max_length=64, default=default_time_zone, help_text=TIME_ZONE_HELP)
    mfa_required = models.BooleanField(
        default=False,
        help_text=(
            "Whether every member of staff must sign in with a second factor. Until they set "
            "one up, staff without it reach only the two-factor enrolment endpoints (and "
            "`/auth/me/`); everything else answers 403 `mfa-enrolment-required`."
        ),
    )

    measure_expiry_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=(
            "Days a client's measure link stays open, unless its schedule says otherwise (1 to 30)."
        ),
    )
    risk_alert_escalation_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text=(
            "Hours after a risk alert from a client's own answers before, still not "
            "acknowledged, it is sent again to the clinician and their supervisor (1 to 168)."
        ),
    )
    crisis_text = models.TextField(
        blank=True,
        help_text=(
            "What a client who reports thoughts of self-harm on a measure link reads at once, "
            "in your region's words and numbers. Empty: Rootwise's default, which names "
            "emergency services and crisis lines of several countries and should be localised."
        ),
    )

    note_signing_hours = models.PositiveSmallIntegerField(
        default=72,
        help_text=(
            "Hours after a session's end by which its note should be signed; later, the note "
            "is on the clinician's work queue (1 to 720)."
        ),
    )
    reassessment_days = models.PositiveSmallIntegerField(
        default=28,
        help_text=(
            "Days without an administration of an instrument a client has taken after which "
            "they are due for reassessment, on their clinician's work queue (7 to 365)."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(note_signing_hours__gte=1, note_signing_hours__lte=720),
                name="practice_note_signing_1_to_720_hours",
            ),
            models.CheckConstraint(
                condition=models.Q(reassessment_days__gte=7, reassessment_days__lte=365),
                name="practice_reassessment_7_to_365_days",
            ),
            models.CheckConstraint(
                condition=models.Q(measure_expiry_days__gte=1, measure_expiry_days__lte=30),
                name="practice_measure_expiry_1_to_30_days",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    risk_alert_escalation_hours__gte=1, risk_alert_escalation_hours__lte=168
                ),
                name="practice_risk_alert_escalation_1_to_168_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def crisis_message(self) -> str:
        return self.crisis_text or DEFAULT_CRISIS_TEXT


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Administrator"


CLINICAL_ROLES = (Role.CLINICIAN, Role.SUPERVISOR)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=username.strip().lower())


class User(RecordModel, AbstractBaseUser):
    """A member of staff: logs in with an email address and has one role in one practice."""

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="staff")
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supervisees"
    )
    is_active = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lowercase"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("id")), name="user_not_own_supervisor"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES


class LockoutCount(models.Model):
    """Password attempts held against one account or one address (a hash, never the value),
    counted by `api.throttles.lockout` when the shared store is the database."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField()
    until = models.FloatField(db_index=True, help_text="When the count lapses (epoch seconds).")

    def __str__(self) -> str:
        return f"{self.count} attempts held against {self.key}"


class TokenFamilyMember(models.Model):
    """A refresh token's place in its family: the tokens descended, by rotation, from one
    sign-in. `rotated_at` is set, exactly once, when the token is exchanged for its successor."""

    token = models.OneToOneField(
        "token_blacklist.OutstandingToken",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="family_member",
    )
    family = models.UUIDField(db_index=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh token {self.token_id} of family {self.family}"


class TotpDevice(RecordModel):
    """A user's authenticator app (RFC 6238 TOTP), pending until a first code confirms it.

    `last_used_step` is the time step of the last code accepted: a code of that step or an
    earlier one is refused, so each code works once. `sign_ins` counts the sign-ins completed
    with this device; a sign-in challenge names the count it was issued at, so it works once."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField(help_text="The shared secret (base32), encrypted at rest.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    sign_ins = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "pending"
        return f"{state} authenticator of user {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code for signing in without the authenticator, stored as a salted SHA-256
    digest (see `api.auth.mfa.recovery` for why a fast hash is enough)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


# The calendar feed's model lives with the rest of the feed; importing it here registers it with
# this app, as Django looks for an app's models in its models module.
from api.auth.calendar.models import CalendarFeed  # noqa: E402, F401
