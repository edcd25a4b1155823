from rest_framework import serializers

from api.auth.models import User
from api.exceptions import INCONSISTENT
from api.fields import ScopedRelatedField
from clients.access import clinical_clients
from clients.models import Client
from clients.selectors import clinical_staff
from clients.serializers import ClientNameField
from sessions.appointments.models import AppointmentSeries, CancellationReason
from sessions.appointments.recurrence import MOST_OCCURRENCES
from sessions.models import Modality, Session, SessionKind
from sessions.serializers import (
    STARTS_BEFORE,
    CancellationReasonField,
    allow_double_booking_field,
)


class AppointmentSeriesSerializer(serializers.ModelSerializer):
    """Appointments every `interval_weeks` weeks at the first one's local time (the practice's
    calendar: a weekly 10:00 stays at 10:00 across daylight-saving changes), until `ends_on`
    (included) or for `count` of them. Each is a scheduled session (`sessions`), changed or
    cancelled on its own or with those that follow (`/sessions/{id}/reschedule/`,
    `/sessions/{id}/cancel/`)."""

    client = ScopedRelatedField(Client, scope=clinical_clients)
    clinician = ScopedRelatedField(
        User, scope=clinical_staff, required=False, help_text="Defaults to you."
    )
    starts_at = serializers.DateTimeField(help_text="The first appointment's start.")
    interval_weeks = serializers.IntegerField(min_value=1, max_value=4)
    count = serializers.IntegerField(
        min_value=1, max_value=MOST_OCCURRENCES, required=False, allow_null=True
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600, write_only=True)
    modality = serializers.ChoiceField(choices=Modality.choices, write_only=True)
    kind = serializers.ChoiceField(choices=SessionKind.choices, write_only=True)
    allow_double_booking = allow_double_booking_field()
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentSeries
        fields = [
            "id",
            "client",
            "clinician",
            "starts_at",
            "interval_weeks",
            "ends_on",
            "count",
            "duration_minutes",
            "modality",
            "kind",
            "allow_double_booking",
            "sessions",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at"]

    def get_sessions(self, series) -> list[str]:
        """The ids of its appointments, soonest first, whatever became of each."""
        # Sorted here: a query ordering them would bypass the list's prefetch (one per series).
        in_order = sorted(
            series.sessions.all(), key=lambda session: (session.starts_at, session.pk)
        )
        return [str(session.pk) for session in in_order]

    def validate_starts_at(self, value):
        if value >= STARTS_BEFORE:
            raise serializers.ValidationError("A series must start before 9999-12-31.")
        return value

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("ends_on") is None) == (attrs.get("count") is None):
            message = "Give either ends_on or count: when the series ends."
            raise serializers.ValidationError({"ends_on": [message]}, INCONSISTENT)
        return attrs


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="Its new start.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    following = serializers.BooleanField(
        default=False,
        help_text="Move the later scheduled appointments of its series too, by the same step "
        "on the practice's calendar.",
    )
    allow_double_booking = allow_double_booking_field()

    def validate_starts_at(self, value):
        if value >= STARTS_BEFORE:
            raise serializers.ValidationError("A session must start before 9999-12-31.")
        return value


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices)
    following = serializers.BooleanField(
        default=False, help_text="Cancel the later scheduled appointments of its series too."
    )


class AppointmentSerializer(serializers.ModelSerializer):
    """A session as a calendar shows it: when, with whom, how; no clinical content."""

    client_name = ClientNameField()
    ends_at = serializers.DateTimeField(read_only=True)
    cancellation_reason = CancellationReasonField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "client",
            "client_name",
            "clinician",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "modality",
            "kind",
            "status",
            "series",
            "cancellation_reason",
            "double_booked",
        ]
        read_only_fields = fields
