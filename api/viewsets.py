"""The behaviour every record endpoint shares, composed once."""

from api.access import ScopedViewSetMixin
from api.audit.mixins import AuditedViewMixin
from api.concurrency import ConditionalWriteMixin
from api.idempotency import IdempotencyMixin


class RecordMixin(IdempotencyMixin, ConditionalWriteMixin):
    """POSTs honour Idempotency-Key; records carry ETags and writes honour If-Match."""


class ClientRecordMixin(AuditedViewMixin, RecordMixin, ScopedViewSetMixin):
    """Client data: scoped to what the caller may see (404 otherwise) and audited, on top of
    RecordMixin. The audit event is written after the request's transaction has ended, so
    refused and failed requests are recorded too."""
