import django_filters
from django.db.models import Exists, OuterRef

from api.filters import (
    CLINICAL,
    StrictFilterSet,
    UpdatedSinceFilter,
    UtcDateTimeFilter,
    client_ids_filter,
)
from api.vocabulary import Root
from sessions.models import Session, SessionRoot, SessionStatus


class SessionFilter(StrictFilterSet):
    client = client_ids_filter()
    clinician = django_filters.UUIDFilter(field_name="clinician_id")
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    root = django_filters.ChoiceFilter(
        choices=Root.choices, method="filter_root", label="Root of insecurity addressed." + CLINICAL
    )
    starts_after = UtcDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    updated_since = UpdatedSinceFilter(also=("client",))

    clinical_filters = ("root",)
    orderings = {"starts_at": "starts_at"}

    class Meta:
        model = Session
        fields = [
            "client",
            "clinician",
            "status",
            "root",
            "starts_after",
            "starts_before",
            "updated_since",
        ]

    def filter_root(self, queryset, name, value):
        return queryset.filter(
            Exists(SessionRoot.objects.filter(session_id=OuterRef("pk"), root=value))
        )
