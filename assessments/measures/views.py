"""Clinicians' endpoints for measures between sessions: schedules, and invitations sent now."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.schema import problem
from api.viewsets import ClientRecordMixin
from assessments.measures import services
from assessments.measures.filters import MeasureInvitationFilter, MeasureScheduleFilter
from assessments.measures.models import MeasureInvitation, MeasureSchedule
from assessments.measures.serializers import (
    MeasureInvitationSerializer,
    MeasureScheduleSerializer,
)
from clients.access import clinical_access
from clients.views import ClientNamesMixin


@extend_schema(tags=["measures"])
@extend_schema_view(
    partial_update=extend_schema(
        responses={200: MeasureScheduleSerializer, **problem(409, "The schedule is stopped.")}
    ),
)
class MeasureScheduleViewSet(
    ClientNamesMixin,
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """When each client is sent which instruments to complete from a link (docs/measures.md).
    The client's clinicians create, change, pause and stop them; supervisors read their
    supervisees'; admins see none. A schedule is never deleted: `status: stopped` ends it."""

    reads_from_replica = True
    queryset = MeasureSchedule.objects.all()
    audit_object_type = "measure_schedule"
    serializer_class = MeasureScheduleSerializer
    filterset_class = MeasureScheduleFilter
    http_method_names = ["get", "post", "patch", "head"]
    ordering = ("created_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def perform_create(self, serializer):
        serializer.instance = services.schedule_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.schedule_update(
            schedule=serializer.instance, by=self.request.user, **serializer.validated_data
        )


@extend_schema(tags=["measures"])
@extend_schema_view(
    revoke=extend_schema(
        request=None,
        responses={200: MeasureInvitationSerializer, **problem(409, "No longer open.")},
    ),
)
class MeasureInvitationViewSet(
    ClientNamesMixin,
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to complete instruments from a link: those schedules send, and those a
    clinician sends now (`POST`). Each link works once, until it expires or is revoked; the
    message carries only the practice's name and the link. Supervisors read; admins see none."""

    reads_from_replica = True
    queryset = MeasureInvitation.objects.all()
    audit_object_type = "measure_invitation"
    serializer_class = MeasureInvitationSerializer
    filterset_class = MeasureInvitationFilter
    ordering = ("-created_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def perform_create(self, serializer):
        serializer.instance = services.invitation_send_now(
            by=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke an open invitation: its link stops working at once."""
        invitation = services.invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(self.get_serializer(invitation).data)
