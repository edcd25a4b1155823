"""The behaviour every record endpoint shares, composed once."""

from django.db.models import Q

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from api.auth.models import User
from api.concurrency import ConditionalWriteMixin
from api.idempotency.mixins import IdempotencyMixin


class ScopedViewSetMixin:
    """Narrows the queryset to what the caller may see, via `scope(user)`; swagger-safe."""

    def scope(self, user: User) -> Q:
        raise NotImplementedError

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return queryset.filter(self.scope(self.request.user))


class RecordMixin(IdempotencyMixin, ConditionalWriteMixin, AtomicRequestMixin):
    """POSTs honour Idempotency-Key; records carry ETags and writes honour If-Match; each
    request's handler runs in one transaction, in the caller's practice."""


class ClientRecordMixin(AuditedViewMixin, RecordMixin, ScopedViewSetMixin):
    """Client data: scoped to what the caller may see (404 otherwise) and audited, on top of
    RecordMixin. A successful write's audit event commits in the write's transaction; every
    other request's before its response leaves, refused and failed ones included."""

    audit_client_field = "client"
