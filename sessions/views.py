from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.examples import EXAMPLE_CLIENT_ID, request_example
from api.schema import problem
from api.viewsets import ClientRecordMixin
from clients.access import clinical_access
from clients.views import ClientNamesMixin, DeletionsMixin
from sessions import services
from sessions.appointments import services as appointments
from sessions.appointments.serializers import (
    AppointmentSerializer,
    CancelSerializer,
    RescheduleSerializer,
)
from sessions.filters import SessionFilter
from sessions.models import Session
from sessions.selectors import sessions_for_reading
from sessions.serializers import AddendumSerializer, SessionSerializer

LOCKED = problem(409, "The note is signed and locked.")
A_SESSION_WITH_A_DAP_NOTE = request_example(
    "A session with a DAP note",
    "A completed 50-minute individual session, with a DAP note and the roots it addressed",
    {
        "client": EXAMPLE_CLIENT_ID,
        "starts_at": "2026-03-02T10:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["early_childhood", "past_failures"],
        "risk_level": "none",
        "note": {
            "format": "dap",
            "data": "Client described his parents rarely acknowledging school achievements.",
            "assessment": "Self-worth tied to recognition; doubts his abilities at work.",
            "plan": "Thought record for a week; revisit the evidence next session.",
        },
    },
)


@extend_schema(tags=["sessions"])
@extend_schema_view(
    create=extend_schema(examples=[A_SESSION_WITH_A_DAP_NOTE]),
    update=extend_schema(responses={200: SessionSerializer, **LOCKED}),
    partial_update=extend_schema(responses={200: SessionSerializer, **LOCKED}),
    destroy=extend_schema(responses={204: None, **LOCKED}),
    sign=extend_schema(
        request=None,
        responses={200: SessionSerializer, **problem(409, "Already signed, or no note yet.")},
    ),
    cosign=extend_schema(
        request=None,
        responses={200: SessionSerializer, **problem(409, "Not signed yet, or co-signed.")},
    ),
    addenda=extend_schema(
        request=AddendumSerializer,
        responses={201: AddendumSerializer, **problem(409, "The note is not signed yet.")},
    ),
    reschedule=extend_schema(
        summary="Reschedule a session, or it and the rest of its series",
        request=RescheduleSerializer,
        responses={
            200: AppointmentSerializer(many=True),
            **problem(409, "Not scheduled, or the clinician is booked then."),
        },
    ),
    cancel=extend_schema(
        summary="Cancel a session, or it and the rest of its series",
        request=CancelSerializer,
        responses={200: AppointmentSerializer(many=True), **problem(409, "Not scheduled.")},
    ),
)
class SessionViewSet(DeletionsMixin, ClientNamesMixin, ClientRecordMixin, viewsets.ModelViewSet):
    """Therapy sessions of the clients you may see. Only a session's clinician changes, signs
    or deletes it; once signed its note is locked (409) and corrections are addenda. The
    clinician's supervisor reads it and co-signs. Admins see no sessions."""

    reads_from_replica = True
    queryset = Session.objects.all()
    audit_object_type = "session"
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering = ("-starts_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def get_queryset(self):
        return sessions_for_reading(super().get_queryset())

    def _reread(self, session: Session) -> Session:
        return (
            sessions_for_reading(Session.objects.filter(pk=session.pk))
            .select_related("client")
            .get()
        )

    def perform_create(self, serializer):
        session = services.session_create(by=self.request.user, **serializer.validated_data)
        serializer.instance = self._reread(session)

    def perform_update(self, serializer):
        session = services.session_update(
            session=serializer.instance, by=self.request.user, **serializer.validated_data
        )
        serializer.instance = self._reread(session)

    def perform_destroy(self, instance):
        services.session_delete(session=instance, by=self.request.user)

    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign the note (the session's clinician only), once the session has started. It is
        locked from then on. Before the session starts, signing answers 400."""
        session = services.session_sign(session=self.get_object(), by=request.user)
        return Response(self.get_serializer(self._reread(session)).data)

    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        """Co-sign a signed note (the clinician's supervisor only)."""
        session = services.session_cosign(session=self.get_object(), by=request.user)
        return Response(self.get_serializer(self._reread(session)).data)

    @action(detail=True, methods=["post"], pagination_class=None)
    def reschedule(self, request, pk=None):
        """Move a scheduled session (the session's clinician only), and with `following` the
        later appointments of its series by the same step on the practice's calendar. Answers
        the sessions moved, soonest first."""
        return self._appointments_change(RescheduleSerializer, appointments.session_reschedule)

    @action(detail=True, methods=["post"], pagination_class=None)
    def cancel(self, request, pk=None):
        """Cancel a scheduled session with a reason (the session's clinician only), and with
        `following` the later appointments of its series. Cancelled sessions stay on record.
        Answers the sessions cancelled, soonest first."""
        return self._appointments_change(CancelSerializer, appointments.session_cancel)

    def _appointments_change(self, serializer_class, change):
        session = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        changed = change(session=session, by=self.request.user, **serializer.validated_data)
        return Response(AppointmentSerializer(changed, many=True).data)

    @action(detail=True, methods=["post"])
    def addenda(self, request, pk=None):
        """Append an addendum to a signed note. Addenda are never edited or deleted."""
        session = self.get_object()
        serializer = AddendumSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        addendum = services.addendum_create(
            session=session, by=request.user, **serializer.validated_data
        )
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)
