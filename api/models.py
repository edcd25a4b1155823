import uuid

from django.db import models


class RecordModel(models.Model):
    """Every Rootwise record: a UUID id and UTC creation and update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
