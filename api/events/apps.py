from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The outbox of events other systems learn of: written with the change that causes them."""

    name = "api.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"
