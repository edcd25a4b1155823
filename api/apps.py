from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Shared API plumbing and the project-wide management commands (demo data)."""

    name = "api"
    verbose_name = "Rootwise API"
