from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from api.audit.filters import AuditEventFilter
from api.audit.models import AuditEvent
from api.audit.serializers import AuditEventSerializer


class IsAdmin(BasePermission):
    message = "Only an administrator of the practice reads the audit trail."

    def has_permission(self, request, view) -> bool:
        return request.user.is_admin


@extend_schema(tags=["audit"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The practice's audit trail, newest first: every read and write of client data and
    every sign-in, with who, what, which client, when, from where and the outcome. Admins
    only (403 for others); events are never changed or deleted (405)."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, IsAdmin]
    filterset_class = AuditEventFilter
    ordering = ("-at", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.queryset.filter(practice_id=self.request.user.practice_id)
