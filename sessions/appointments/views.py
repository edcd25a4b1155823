"""Appointments: recurring series, and the calendar's view of sessions (day, week, month)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from api.viewsets import ClientRecordMixin
from clients.access import clinical_access
from sessions.appointments import services
from sessions.appointments.filters import AppointmentFilter, AppointmentSeriesFilter
from sessions.appointments.models import AppointmentSeries
from sessions.appointments.serializers import AppointmentSerializer, AppointmentSeriesSerializer
from sessions.models import Session


@extend_schema(tags=["appointments"])
@extend_schema_view(create=extend_schema(summary="Book a recurring series of appointments"))
class AppointmentSeriesViewSet(
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Recurring appointments of the clients you may see. Booking one makes each appointment
    a scheduled session at once; over another scheduled session of the clinician's it is a
    409 naming it, unless `allow_double_booking`. Admins see none."""

    reads_from_replica = True
    # Only what a series shows of its sessions: their ids in order, no note to decrypt.
    queryset = AppointmentSeries.objects.prefetch_related(
        Prefetch("sessions", queryset=Session.objects.only("pk", "series_id", "starts_at"))
    )
    audit_object_type = "appointment_series"
    serializer_class = AppointmentSeriesSerializer
    filterset_class = AppointmentSeriesFilter
    ordering = ("starts_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def perform_create(self, serializer):
        serializer.instance = services.series_create(
            by=self.request.user, **serializer.validated_data
        )


@extend_schema(tags=["appointments"])
@extend_schema_view(list=extend_schema(summary="List appointments in a range, soonest first"))
class AppointmentViewSet(ClientRecordMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Sessions between `start` and `end` (at most 42 days: a day, a week or a month view),
    soonest first, with the client's name: yours unless `clinician` or `client` says whose.
    Only the clients you may see. No clinical content; admins see none."""

    reads_from_replica = True
    queryset = Session.objects.select_related("client")
    audit_object_type = "session"
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    ordering = ("starts_at", "id")

    def scope(self, user):
        return clinical_access(user)
