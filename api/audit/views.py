from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from api.atomic import AtomicRequestMixin
from api.audit.filters import AuditEventFilter
from api.audit.models import AuditEvent
from api.audit.serializers import AuditEventSerializer
from api.auth.models import User
from api.permissions import IsAdmin
from api.viewsets import ScopedViewSetMixin


@extend_schema(tags=["audit"])
class AuditEventViewSet(AtomicRequestMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The practice's audit trail, newest first: every read and write of client data and
    every sign-in, with who, what, which client, when, from where and the outcome. Admins
    only (403 for others); events are never changed or deleted (405)."""

    reads_from_replica = True
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, IsAdmin]
    filterset_class = AuditEventFilter
    ordering = ("-at", "id")

    def scope(self, user: User) -> Q:
        return Q(practice_id=user.practice_id)
