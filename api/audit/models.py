import uuid

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    SIGN = "sign", "Sign"
    VOID = "void", "Void"
    EXPORT = "export", "Export"
    REPLAY = "replay", "Idempotent replay of a stored response"
    LOGIN = "login", "Sign-in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    REFRESH = "refresh", "Token refresh"
    REFRESH_REUSED = "refresh_reused", "A used refresh token presented again (token family revoked)"
    LOGOUT = "logout", "Sign-out"
    PASSWORD_CHANGE = "password_change", "Password change"
    MFA_CHALLENGE = "mfa_challenge", "Password accepted at sign-in; second factor asked for"
    MFA_FAILED = "mfa_failed", "Failed second factor at sign-in"
    LOGIN_RECOVERY_CODE = "login_recovery_code", "Sign-in with a recovery code"
    MFA_ENROL = "mfa_enrol", "Two-factor enrolment started"
    MFA_CONFIRM = "mfa_confirm", "Two-factor sign-in turned on"
    MFA_DISABLE = "mfa_disable", "Two-factor sign-in turned off"
    MFA_RECOVERY_CODES = "mfa_recovery_codes", "Recovery codes replaced"
    MFA_RESET = "mfa_reset", "Two-factor sign-in reset by an admin"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Succeeded"
    DENIED = "denied", "Refused (not found, forbidden or throttled)"
    FAILED = "failed", "Failed (invalid request or error)"


class AuditEvent(models.Model):
    """Who did what to which client's data, when and from where. Never any PHI value.

    Append-only: no API changes or deletes one, and on PostgreSQL a trigger refuses UPDATE and
    DELETE on the table.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # A client answering from a measure link acts through its invitation, not as a user.
    actor_invitation_id = models.UUIDField(null=True, blank=True)
    practice = models.ForeignKey(
        "accounts.Practice", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices)
    status_code = models.PositiveSmallIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "id"]
        indexes = [
            models.Index(fields=["practice", "-at"]),
            models.Index(fields=["client_id", "-at"]),
            models.Index(fields=["actor", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.outcome}"
