"""The progress document: a client's outcomes per instrument and paired, roots over time,
homework, sessions and open risk flags, as `/clients/{id}/progress/` and the reports serve it."""

from rest_framework import serializers

from api.vocabulary import Root
from assessments.instruments import INSTRUMENT_CHOICES
from assessments.outcomes import PAIRING_WINDOW_DAYS, PairedOutcomeStatus, ReliableChangeLabel
from assessments.serializers import DIRECTION_CHOICES, SEVERITY_CHOICES, RiskFlagSerializer
from sessions.homework.serializers import HomeworkAdherenceSerializer

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


class MeasureCompletionSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Measure invitations sent to the client.")
    completed = serializers.IntegerField(help_text="Those the client answered.")
    expired = serializers.IntegerField(help_text="Those that expired unanswered.")


class ClinicianMeasureCompletionSerializer(MeasureCompletionSerializer):
    clinician = serializers.UUIDField(
        source="client__primary_clinician", help_text="The clients' primary clinician."
    )


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
    measures = MeasureCompletionSerializer(
        help_text="How the client keeps up with measures sent between sessions."
    )
