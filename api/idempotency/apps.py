from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    """Idempotency-Key for POSTs: the responses kept for their retries (mixins.py)."""

    name = "api.idempotency"
    label = "idempotency"
