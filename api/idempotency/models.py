from datetime import timedelta

from django.db import models
from django.utils import timezone

from api.encryption import EncryptedTextField

LIFETIME = timedelta(hours=24)


class KeptResponse(models.Model):
    """The answer to a POST with an Idempotency-Key, replayed to its retries for 24 hours. A
    successful write's is written in the write's own transaction: should the process die after
    the commit, before the answer leaves, the retry is answered from here instead of writing
    again."""

    # SHA-256 of the caller's id and their key: keys are per user.
    key = models.CharField(primary_key=True, max_length=64)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="+", editable=False
    )
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the path and the body
    status = models.PositiveSmallIntegerField()
    body = EncryptedTextField()  # JSON; it may hold clinical text
    kept_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.status} kept at {self.kept_at:%Y-%m-%d %H:%M} UTC"

    @classmethod
    def expired(cls):
        return cls.objects.filter(kept_at__lte=timezone.now() - LIFETIME)

    @property
    def is_expired(self) -> bool:
        return self.kept_at <= timezone.now() - LIFETIME
