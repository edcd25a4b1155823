from datetime import UTC, datetime

from rest_framework import serializers

from api.auth.models import User
from api.exceptions import CONFLICT
from api.fields import ScopedRelatedField
from api.rendering import id_or_none, timestamp, timestamp_or_none
from api.strict_input import BoundedListField
from api.vocabulary import Root
from clients.access import clinical_clients
from clients.models import Client
from clients.selectors import clinical_staff
from clients.serializers import ClientNameField
from sessions.appointments.models import CancellationReason
from sessions.models import Addendum, Session
from sessions.notes import NoteField, note_of
from sessions.selectors import ADDENDA, ROOTS

# A session ends up to 600 minutes after it starts, and that end must still be a moment Python
# can represent (the FHIR export computes it).
STARTS_BEFORE = datetime(9999, 12, 31, tzinfo=UTC)


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addendum
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"text": {"max_length": 20_000}}


class RootCodesField(BoundedListField):
    """A list of root codes, each at most once."""

    child = serializers.ChoiceField(choices=Root.choices)
    unique_items = True

    def __init__(self, **kwargs):
        super().__init__(max_length=len(Root.values), **kwargs)

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        seen: set[str] = set()
        duplicates = {}
        for index, code in enumerate(codes):
            if code in seen:
                duplicates[index] = ["This root is already listed."]
            seen.add(code)
        if duplicates:
            raise serializers.ValidationError(duplicates)
        return codes


class CancellationReasonField(serializers.ChoiceField):
    """Why a session was cancelled: null unless it was (stored blank)."""

    def __init__(self, **kwargs):
        super().__init__(choices=CancellationReason.choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return "" if value is None else value


def allow_double_booking_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Book even over another scheduled session of the clinician's (otherwise a "
        "409 naming it); the session then says `double_booked`.",
    )


class SessionSerializer(serializers.ModelSerializer):
    """A therapy session and its note. The note is locked once signed."""

    client = ScopedRelatedField(
        Client, scope=clinical_clients, help_text="Set on creation; cannot change."
    )
    clinician = ScopedRelatedField(
        User, scope=clinical_staff, required=False, help_text="Defaults to you."
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    roots_addressed = RootCodesField(
        required=False, help_text="Roots of insecurity that presented or were worked on."
    )
    note = NoteField()
    addenda = AddendumSerializer(many=True, read_only=True)
    allow_double_booking = allow_double_booking_field()
    client_name = ClientNameField()
    cancellation_reason = CancellationReasonField(
        required=False,
        help_text="Why a cancelled session was cancelled: required to cancel, null otherwise.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "client",
            "client_name",
            "clinician",
            "starts_at",
            "duration_minutes",
            "modality",
            "kind",
            "status",
            "roots_addressed",
            "note",
            "risk_level",
            "signed_at",
            "signed_by",
            "cosigned_at",
            "cosigned_by",
            "addenda",
            "series",
            "cancellation_reason",
            "cancelled_at",
            "double_booked",
            "allow_double_booking",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "signed_at",
            "signed_by",
            "cosigned_at",
            "cosigned_by",
            "series",
            "cancelled_at",
            "double_booked",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "starts_at": {
                "help_text": "When the session starts, with any offset, as a moment between "
                "0001-01-01 and 9999-12-31 in UTC. A completed or no-show session cannot start "
                "in the future; a scheduled one may."
            },
            "status": {
                "help_text": "A session in the future is `scheduled` (or `cancelled`); it can "
                "be marked `completed` or `no_show` once it has started."
            },
            "series": {"help_text": "The recurring series it is an appointment of; null if none."},
            "cancelled_at": {"help_text": "When it was cancelled; null unless cancelled."},
            "double_booked": {
                "help_text": "Booked over another scheduled session of the clinician's, on "
                "purpose (`allow_double_booking`)."
            },
        }

    def to_representation(self, session: Session) -> dict:
        """The session as the fields above render it, written out (as the client's is): on the
        sessions list, DRF's field-by-field rendering cost a third of the request. Every
        session served is read with its roots and addenda inline (`sessions_for_reading`)."""
        return {name: render(session) for name, render in SESSION_FIELDS.items()}

    def validate_starts_at(self, starts_at: datetime) -> datetime:
        if starts_at >= STARTS_BEFORE:
            raise serializers.ValidationError("A session must start before 9999-12-31.")
        return starts_at

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None and client.pk != self.instance.client_id:
            raise serializers.ValidationError("A session cannot move to another client.", CONFLICT)
        return client


def _addendum(row: dict) -> dict:
    return {
        "id": str(row["id"]),
        "text": row["text"],
        "author": str(row["author_id"]),
        "created_at": timestamp(row["created_at"]),
    }


SESSION_FIELDS = {
    "id": lambda session: str(session.id),
    "client": lambda session: str(session.client_id),
    "client_name": lambda session: session.client.display_name,
    "clinician": lambda session: str(session.clinician_id),
    "starts_at": lambda session: timestamp(session.starts_at),
    "duration_minutes": lambda session: session.duration_minutes,
    "modality": lambda session: session.modality,
    "kind": lambda session: session.kind,
    "status": lambda session: session.status,
    "roots_addressed": lambda session: [row["root"] for row in ROOTS.rows(session)],
    "note": note_of,
    "risk_level": lambda session: session.risk_level,
    "signed_at": lambda session: timestamp_or_none(session.signed_at),
    "signed_by": lambda session: id_or_none(session.signed_by_id),
    "cosigned_at": lambda session: timestamp_or_none(session.cosigned_at),
    "cosigned_by": lambda session: id_or_none(session.cosigned_by_id),
    "addenda": lambda session: [_addendum(row) for row in ADDENDA.rows(session)],
    "series": lambda session: id_or_none(session.series_id),
    "cancellation_reason": lambda session: session.cancellation_reason or None,
    "cancelled_at": lambda session: timestamp_or_none(session.cancelled_at),
    "double_booked": lambda session: session.double_booked,
    "created_at": lambda session: timestamp(session.created_at),
    "updated_at": lambda session: timestamp(session.updated_at),
}
