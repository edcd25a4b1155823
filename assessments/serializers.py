from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers

from api.exceptions import CONFLICT, FUTURE
from api.fields import ScopedRelatedField
from api.strict_input import BoundedListField
from api.timezones import practice_today
from assessments.instruments import INSTRUMENT_CHOICES, INSTRUMENTS
from assessments.instruments.base import Direction
from assessments.models import RECORDABLE_SOURCES, Assessment, AssessmentSource, RiskFlag
from clients.access import clinical_clients
from clients.models import Client
from clients.serializers import ClientNameField
from sessions.models import Session
from sessions.selectors import clinical_sessions

SEVERITY_CHOICES = [
    ("minimal", "Minimal"),
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("moderately_severe", "Moderately severe"),
    ("severe", "Severe"),
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
]
# One record type with one severity enum, rather than a union on `instrument`: an assessment
# list mixes instruments, and a union would make every client narrow each row before reading
# any field; the bands of each instrument are served at /instruments/ and named here.
SEVERITY_HELP = (
    "The total's band, one of the instrument's own: "
    + "; ".join(
        f"{code}: " + (", ".join(band.code for band in instrument.bands) or "none (null)")
        for code, instrument in INSTRUMENTS.items()
    )
    + ". Each instrument's bands, with their score ranges, are at /api/v1/instruments/."
)
DIRECTION_CHOICES = [(direction.value, direction.value) for direction in Direction]
FLAG_CHOICES = [("risk", "Risk: an answer that needs a clinician's attention")]
MOST_ITEMS = max(len(instrument.items) for instrument in INSTRUMENTS.values())


def numbered(errors: dict) -> dict:
    """Errors by item index, each message naming its item as a clinician counts (from 1)."""
    return {
        index: [
            serializers.ErrorDetail(f"Item {index + 1}: {message}", getattr(message, "code", None))
            for message in messages
        ]
        for index, messages in errors.items()
    }


class AnswersField(BoundedListField):
    """One answer per item: an item's error keeps its index as `field` and says its number."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(numbered(error.detail)) from error


class AssessmentSourceField(serializers.ChoiceField):
    """Who gave the answers. Read, any source; written, only those staff record
    (`RECORDABLE_SOURCES`): a client's own answers from a measure link are Rootwise's to
    record."""

    def __init__(self, **kwargs):
        super().__init__(choices=RECORDABLE_SOURCES, **kwargs)

    def to_representation(self, value):
        return value


class AssessmentSourceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = AssessmentSourceField

    def map_serializer_field(self, auto_schema, direction):
        choices = RECORDABLE_SOURCES if direction == "request" else AssessmentSource.choices
        return build_choice_field(serializers.ChoiceField(choices=choices))


class AssessmentSerializer(serializers.ModelSerializer):
    """An administration of an instrument. The server computes the scores."""

    client = ScopedRelatedField(Client, scope=clinical_clients)
    client_name = ClientNameField()
    session = ScopedRelatedField(Session, scope=clinical_sessions, required=False, allow_null=True)
    instrument = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    source = AssessmentSourceField(
        default=AssessmentSource.CLINICIAN,
        help_text="Who gave the answers: `clinician` (administered by the clinician), "
        "`self_report` (the client, with the clinician), or, never sent, `client_self_report` "
        "(the client alone, from a measure link).",
    )
    responses = AnswersField(
        child=serializers.IntegerField(),
        max_length=MOST_ITEMS,
        help_text="One answer (an option value) per item, in item order.",
    )
    severity = serializers.ChoiceField(
        choices=SEVERITY_CHOICES,
        read_only=True,
        allow_null=True,
        source="severity_or_none",
        help_text=SEVERITY_HELP,
    )
    subscores = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="roots5: item values by root."
    )
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=FLAG_CHOICES), read_only=True
    )
    same_day_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why the client took this instrument again on a day they had already taken "
        "it: required then (a conflict, 409, without it), optional otherwise; empty when none "
        "was given.",
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "client",
            "client_name",
            "instrument",
            "administered_on",
            "source",
            "session",
            "responses",
            "same_day_reason",
            "total_score",
            "severity",
            "subscores",
            "flags",
            "recorded_by",
            "invitation",
            "voided_at",
            "voided_by",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "total_score",
            "recorded_by",
            "invitation",
            "voided_at",
            "voided_by",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "administered_on": {
                "help_text": "The day it was taken: not after today (the practice's local date)."
            },
            "recorded_by": {
                "help_text": "Who recorded it; null for a client's own answers from a measure "
                "link (`invitation`)."
            },
            "invitation": {
                "help_text": "The measure invitation whose link the client answered; null "
                "otherwise."
            },
        }

    def validate_administered_on(self, value):
        if value > practice_today(self.context["request"].user.practice):
            message = "An assessment cannot be dated in the future."
            raise serializers.ValidationError(message, FUTURE)
        return value

    def validate(self, attrs: dict) -> dict:
        errors = INSTRUMENTS[attrs["instrument"]].validation_errors(attrs["responses"])
        if errors:
            if None in errors:
                raise serializers.ValidationError({"responses": [errors[None]]})
            raise serializers.ValidationError(
                {"responses": numbered({index: [message] for index, message in errors.items()})}
            )
        session = attrs.get("session")
        if session is not None and session.client_id != attrs["client"].pk:
            raise serializers.ValidationError(
                {"session": ["This session is another client's."]}, CONFLICT
            )
        return attrs


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the administration is void.")


class RiskFlagSerializer(serializers.ModelSerializer):
    """A risk raised by an assessment answer; open until a clinician acknowledges it."""

    flag = serializers.ChoiceField(choices=FLAG_CHOICES, read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    client_name = ClientNameField()
    assessment_voided = serializers.SerializerMethodField()

    class Meta:
        model = RiskFlag
        fields = [
            "id",
            "client",
            "client_name",
            "assessment",
            "assessment_voided",
            "flag",
            "description",
            "raised_on",
            "is_open",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
            "alert_sent_at",
            "alert_escalated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "alert_sent_at": {
                "help_text": "When the client's clinicians were emailed about this flag (flags "
                "from a client's own answers on a measure link); null if never."
            },
            "alert_escalated_at": {
                "help_text": "When the alert was sent again, to the supervisor too, because no "
                "one had acknowledged the flag in the practice's time; null if never."
            },
        }

    def get_assessment_voided(self, flag: RiskFlag) -> bool:
        return flag.assessment.voided_at is not None


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was done about the risk.")
