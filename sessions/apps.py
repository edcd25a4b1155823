from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TherapySessionsConfig(AppConfig):
    """Therapy sessions and homework. Labelled so as not to clash with django.contrib.sessions."""

    name = "sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.homework.library import sync_builtin_templates

        post_migrate.connect(sync_builtin_templates, sender=self)
