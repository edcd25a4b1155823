from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """The cross-app read model: a client's progress, the reports and exports built on it. It
    reads every clinical app and no app imports it."""

    name = "progress"
