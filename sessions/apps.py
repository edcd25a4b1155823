from django.apps import AppConfig


class TherapySessionsConfig(AppConfig):
    """Therapy sessions and homework. Labelled so as not to clash with django.contrib.sessions."""

    name = "sessions"
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
    default_auto_field = "django.db.models.BigAutoField"
