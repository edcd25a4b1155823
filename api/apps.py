from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Shared API plumbing and the project-wide management commands."""

    name = "api"
    verbose_name = "Rootwise API"

    def ready(self) -> None:
        from api.strict_input import enforce_json_types

        enforce_json_types()
