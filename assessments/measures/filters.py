import django_filters

from api.filters import StrictFilterSet
from assessments.measures.models import (
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleStatus,
)


class MeasureScheduleFilter(StrictFilterSet):
    client = django_filters.UUIDFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=ScheduleStatus.choices)

    class Meta:
        model = MeasureSchedule
        fields = ["client", "status"]


class MeasureInvitationFilter(StrictFilterSet):
    client = django_filters.UUIDFilter(field_name="client_id")
    schedule = django_filters.UUIDFilter(field_name="schedule_id")
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)
    orderings = {"created_at": "created_at"}

    class Meta:
        model = MeasureInvitation
        fields = ["client", "schedule", "status"]
