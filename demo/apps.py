from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (`load_demo`, `seed_scale`): it writes through every app, and
    production code never imports it."""

    name = "demo"
