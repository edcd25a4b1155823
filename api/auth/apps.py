from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Practices, staff and authentication. Labelled `accounts`: `auth` is Django's."""

    name = "api.auth"
    label = "accounts"
    verbose_name = "Practices and staff"
    default_auto_field = "django.db.models.BigAutoField"
