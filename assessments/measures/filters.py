import django_filters

from api.filters import StrictFilterSet, UpdatedSinceFilter, client_ids_filter
from assessments.measures.models import (
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleStatus,
)


class MeasureScheduleFilter(StrictFilterSet):
    client = client_ids_filter()
    updated_since = UpdatedSinceFilter(also=("client",))
    status = django_filters.ChoiceFilter(choices=ScheduleStatus.choices)

    class Meta:
        model = MeasureSchedule
        fields = ["client", "status", "updated_since"]


class MeasureInvitationFilter(StrictFilterSet):
    client = client_ids_filter()
    updated_since = UpdatedSinceFilter(also=("client",))
    schedule = django_filters.UUIDFilter(field_name="schedule_id")
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)
    orderings = {"created_at": "created_at"}

    class Meta:
        model = MeasureInvitation
        fields = ["client", "schedule", "status", "updated_since"]
