from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail of every access to client data and every sign-in."""

    name = "api.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
