"""The instrument registry as the API serves it, for a front end to render questionnaires."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.vocabulary import Root
from assessments.instruments import INSTRUMENT_CHOICES
from assessments.instruments.base import CaseWhen
from assessments.serializers import DIRECTION_CHOICES, FLAG_CHOICES, SEVERITY_CHOICES


class InstrumentItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    root = serializers.ChoiceField(choices=Root.choices, allow_null=True)
    reverse_scored = serializers.BooleanField()


class InstrumentOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class InstrumentBandSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=SEVERITY_CHOICES)
    label = serializers.CharField()
    min_score = serializers.IntegerField()
    max_score = serializers.IntegerField()


class ClinicalCutoffSerializer(serializers.Serializer):
    threshold = serializers.IntegerField()
    case_when = serializers.ChoiceField(choices=[(c.value, c.value) for c in CaseWhen])
    description = serializers.CharField()


class ReliableChangeSerializer(serializers.Serializer):
    threshold = serializers.IntegerField(help_text="Points of change that count as reliable.")
    sd = serializers.FloatField(allow_null=True)
    reliability = serializers.FloatField(allow_null=True)
    source = serializers.CharField()


class RiskRuleSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    min_value = serializers.IntegerField()
    flag = serializers.ChoiceField(choices=FLAG_CHOICES)
    description = serializers.CharField()


class LoincSerializer(serializers.Serializer):
    panel = serializers.CharField(allow_null=True)
    total = serializers.CharField(allow_null=True)
    items = serializers.DictField(child=serializers.CharField(), help_text="By item number.")


class InstrumentSerializer(serializers.Serializer):
    """A standardized instrument: items, options, scoring, bands and outcome parameters."""

    code = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    name = serializers.CharField()
    version = serializers.CharField()
    stem = serializers.CharField()
    items = serializers.SerializerMethodField()
    options = InstrumentOptionSerializer(many=True)
    min_score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=DIRECTION_CHOICES)
    bands = InstrumentBandSerializer(many=True)
    clinical_cutoff = ClinicalCutoffSerializer(allow_null=True)
    reliable_change = ReliableChangeSerializer(allow_null=True)
    risk_rules = RiskRuleSerializer(many=True)
    loinc = LoincSerializer(allow_null=True)
    canonical_url = serializers.CharField(
        help_text="The questionnaire's canonical URI where it has no LOINC panel; else empty."
    )
    licence = serializers.CharField()
    citation = serializers.CharField()
    notes = serializers.CharField()
    validated = serializers.BooleanField(
        help_text="Whether the instrument is a published, psychometrically validated measure. "
        "False for roots5, Rootwise's own index: no published psychometrics, norms, bands or "
        "cut-off."
    )

    @extend_schema_field(InstrumentItemSerializer(many=True))
    def get_items(self, instrument) -> list[dict]:
        return InstrumentItemSerializer(
            [
                {**vars(item), "reverse_scored": item.number in instrument.reverse_scored}
                for item in instrument.items
            ],
            many=True,
        ).data
