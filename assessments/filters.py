import django_filters

from api.filters import CLINICAL, StrictFilterSet, UpdatedSinceFilter, client_ids_filter
from assessments.instruments import INSTRUMENT_CHOICES
from assessments.models import Assessment, RiskFlag


class AssessmentFilter(StrictFilterSet):
    client = client_ids_filter()
    updated_since = UpdatedSinceFilter(also=("client",))
    instrument = django_filters.ChoiceFilter(
        choices=INSTRUMENT_CHOICES, label="Instrument." + CLINICAL
    )
    administered_after = django_filters.DateFilter(field_name="administered_on", lookup_expr="gte")
    administered_before = django_filters.DateFilter(field_name="administered_on", lookup_expr="lte")
    include_voided = django_filters.BooleanFilter(
        method="filter_include_voided",
        label="Include voided administrations (default: no)." + CLINICAL,
    )

    clinical_filters = ("instrument", "include_voided")
    orderings = {"administered_on": "administered_on"}

    class Meta:
        model = Assessment
        fields = [
            "client",
            "instrument",
            "administered_after",
            "administered_before",
            "updated_since",
        ]

    def filter_include_voided(self, queryset, name, value):
        return queryset if value else queryset.filter(voided_at__isnull=True)


class RiskFlagFilter(StrictFilterSet):
    client = client_ids_filter()
    # A flag reads whether its assessment is voided: voiding it changes the flag.
    updated_since = UpdatedSinceFilter(also=("client", "assessment"))
    open = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", label="Not yet acknowledged." + CLINICAL
    )
    clinical_filters = ("open",)
    orderings = {"raised_on": "raised_on"}

    class Meta:
        model = RiskFlag
        fields = ["client", "open", "updated_since"]
