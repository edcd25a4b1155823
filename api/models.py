import uuid

from django.db import models


class RecordModel(models.Model):
    """Every Rootwise record: a UUID id and UTC creation and update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PracticeRow(models.Model):
    """A row of one practice's data below its client. Its practice is its parent's, set by the
    services (a row saved without one takes its parent's). On PostgreSQL the database checks
    that it matches the parent's and shows each request only its own practice's rows
    (`api/tenancy.py`, docs/security.md)."""

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.PROTECT, related_name="+", editable=False
    )
    parent_field: str  # the parent whose practice this row has: "client", "session"…

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.practice_id is None:
            self.practice_id = getattr(self, self.parent_field).practice_id
        super().save(*args, **kwargs)
