from rest_framework import serializers

from api.exceptions import CONFLICT, FUTURE
from api.strict_input import BoundedListField
from api.timezones import practice_today
from api.vocabulary import Root
from assessments.instruments import INSTRUMENT_CHOICES, INSTRUMENTS
from assessments.instruments.base import Direction
from assessments.models import Assessment, RiskFlag
from assessments.outcomes import PAIRING_WINDOW_DAYS, PairedOutcomeStatus, ReliableChangeLabel
from clients.access import clinical_access
from clients.models import Client
from sessions.homework.serializers import HomeworkAdherenceSerializer
from sessions.models import Session

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


class StrictIntegerField(serializers.IntegerField):
    """An integer, and only an integer: no strings, decimals or booleans."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class AssessmentSerializer(serializers.ModelSerializer):
    """An administration of an instrument. The server computes the scores."""

    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.none(), required=False, allow_null=True
    )
    instrument = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    responses = AnswersField(
        child=StrictIntegerField(),
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
            "voided_at",
            "voided_by",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "administered_on": {
                "help_text": "The day it was taken: not after today (the practice's local date)."
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            user = request.user
            self.fields["client"].queryset = Client.objects.filter(clinical_access(user, client=""))
            self.fields["session"].queryset = Session.objects.filter(clinical_access(user))

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
    assessment_voided = serializers.SerializerMethodField()

    class Meta:
        model = RiskFlag
        fields = [
            "id",
            "client",
            "assessment",
            "assessment_voided",
            "flag",
            "description",
            "raised_on",
            "is_open",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_assessment_voided(self, flag: RiskFlag) -> bool:
        return flag.assessment.voided_at is not None


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was done about the risk.")


ADMINISTRATION_ORDER = "by administered_on, then created_at, then id"
ROOTS5_NOT_VALIDATED = (
    "roots5 is Rootwise's own index, not a validated measure: no norms, bands or cut-off."
)


class ProgressPointSerializer(serializers.Serializer):
    assessment = serializers.UUIDField(help_text="The administration's id.")
    administered_on = serializers.DateField()
    total_score = serializers.IntegerField()
    severity = serializers.ChoiceField(choices=SEVERITY_CHOICES, allow_null=True)


class InstrumentProgressSerializer(serializers.Serializer):
    """One instrument's first against latest non-void administration. Per instrument there is
    no "recovery": NHS Talking Therapies defines it on the PHQ-9/GAD-7 pair (`paired_outcomes`).
    roots5 is Rootwise's own index, not a validated measure: no norms, bands or cut-off."""

    instrument = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    direction = serializers.ChoiceField(choices=DIRECTION_CHOICES)
    points = ProgressPointSerializer(
        many=True,
        help_text=f"Every non-void administration, oldest first ({ADMINISTRATION_ORDER}).",
    )
    baseline_assessment = serializers.UUIDField(
        help_text="Id of the baseline administration: the first non-void one "
        f"{ADMINISTRATION_ORDER} (two can share a date)."
    )
    latest_assessment = serializers.UUIDField(
        help_text="Id of the latest administration: the last non-void one "
        f"{ADMINISTRATION_ORDER}; the baseline's own id with a single administration."
    )
    baseline = serializers.IntegerField(help_text="Total of the baseline administration.")
    latest = serializers.IntegerField(help_text="Total of the latest administration.")
    change = serializers.IntegerField(
        allow_null=True, help_text="latest - baseline; null with a single administration."
    )
    reliable_change = serializers.ChoiceField(choices=ReliableChangeLabel.choices)
    reliable_change_threshold = serializers.IntegerField(
        allow_null=True,
        help_text="Points of change that count as reliable; null where the instrument has none.",
    )
    no_longer_a_case = serializers.BooleanField(
        allow_null=True,
        help_text="A case by the instrument's clinical cut-off at baseline and not at the latest "
        "(RSES counts as a case below its cut-off, the others at or above). Null without a "
        "cut-off, with fewer than two administrations, or when not a case at baseline.",
    )
    reliably_improved_and_no_longer_a_case = serializers.BooleanField(
        allow_null=True,
        help_text="`no_longer_a_case`, and `reliable_change` is `improved`; null as "
        "`no_longer_a_case`.",
    )


class PairedAdministrationSerializer(serializers.Serializer):
    """A PHQ-9 and a GAD-7 taken at one time point."""

    phq9 = ProgressPointSerializer()
    gad7 = ProgressPointSerializer()


class PairedOutcomeSerializer(serializers.Serializer):
    """NHS Talking Therapies outcomes from the first and the last paired PHQ-9/GAD-7
    administrations. Caseness is PHQ-9 >= 10 or GAD-7 >= 8; a reliable change is 6 points on
    PHQ-9 and 4 on GAD-7 (the instrument definitions, /api/v1/instruments/)."""

    status = serializers.ChoiceField(
        choices=PairedOutcomeStatus.choices,
        help_text="`insufficient_data` with fewer than two paired administrations: then the "
        "outcomes below are null.",
    )
    pairing_window_days = serializers.IntegerField(
        help_text="A PHQ-9 and a GAD-7 pair when taken at most this many days apart "
        f"({PAIRING_WINDOW_DAYS}). Pairs are formed in date order, each administration in at "
        "most one; of several administrations of one instrument up to the other's date, the "
        "last (the nearest) is paired.",
    )
    pair_count = serializers.IntegerField(help_text="How many paired administrations there are.")
    baseline_pair = PairedAdministrationSerializer(
        allow_null=True, help_text="The first paired administration; null when there is none."
    )
    latest_pair = PairedAdministrationSerializer(
        allow_null=True, help_text="The last paired administration; null with fewer than two."
    )
    caseness_at_baseline = serializers.BooleanField(
        allow_null=True,
        help_text="PHQ-9 >= 10 or GAD-7 >= 8 at the baseline pair; null without a pair. Only "
        "cases are eligible for `recovery` and `reliable_recovery`.",
    )
    recovery = serializers.BooleanField(
        allow_null=True,
        help_text="A case at baseline, and PHQ-9 < 10 and GAD-7 < 8 at the latest pair. Null "
        "when not a case at baseline or with insufficient data.",
    )
    reliable_improvement = serializers.BooleanField(
        allow_null=True,
        help_text="At least one measure reliably improved (PHQ-9 down 6 or more, GAD-7 down 4 "
        "or more) and neither reliably deteriorated. Null with insufficient data.",
    )
    reliable_deterioration = serializers.BooleanField(
        allow_null=True,
        help_text="At least one measure reliably deteriorated (PHQ-9 up 6 or more, GAD-7 up 4 "
        "or more). Null with insufficient data.",
    )
    reliable_recovery = serializers.BooleanField(
        allow_null=True, help_text="`recovery` and `reliable_improvement`; null as `recovery`."
    )


class RootProgressSerializer(serializers.Serializer):
    root = serializers.ChoiceField(choices=Root.choices)
    sessions_addressed = serializers.IntegerField(help_text="Completed sessions addressing it.")
    first_addressed = serializers.DateField(allow_null=True)
    last_addressed = serializers.DateField(allow_null=True)
    latest_index = serializers.IntegerField(
        allow_null=True,
        help_text=f"The latest roots5 answer for this root (0-10). {ROOTS5_NOT_VALIDATED}",
    )
    index_change = serializers.IntegerField(
        allow_null=True,
        help_text="Latest minus first roots5 answer for this root: a raw change, with no "
        "reliable-change threshold behind it.",
    )


class SessionCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    completed = serializers.IntegerField()
    first = serializers.DateField(allow_null=True, help_text="Date of the first completed one.")
    last = serializers.DateField(allow_null=True, help_text="Date of the last completed one.")


class ProgressSerializer(serializers.Serializer):
    """A client's progress across assessments, roots, homework and sessions."""

    client = serializers.UUIDField()
    instruments = InstrumentProgressSerializer(
        many=True, help_text="Per instrument the client has taken, in registry order."
    )
    paired_outcomes = PairedOutcomeSerializer(
        allow_null=True,
        help_text="NHS Talking Therapies paired outcomes (recovery, reliable improvement, "
        "reliable deterioration, reliable recovery); null unless the client has taken both "
        "PHQ-9 and GAD-7.",
    )
    roots = RootProgressSerializer(
        many=True,
        help_text="Each root of insecurity: sessions that addressed it and its roots5 answers. "
        + ROOTS5_NOT_VALIDATED,
    )
    homework = HomeworkAdherenceSerializer()
    sessions = SessionCountsSerializer()
    risk_flags = RiskFlagSerializer(many=True, help_text="Open risk flags.")
