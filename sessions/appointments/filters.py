from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from rest_framework.exceptions import ValidationError

from api.exceptions import INCONSISTENT
from api.filters import (
    StrictFilterSet,
    UpdatedSinceFilter,
    UtcDateTimeFilter,
    client_ids_filter,
)
from api.timezones import practice_today
from sessions.appointments.models import AppointmentSeries
from sessions.models import Session, SessionStatus

# What a calendar asks for at once: a day, a week, a month view with its edges.
LONGEST_RANGE = timedelta(days=42)
DEFAULT_RANGE = timedelta(days=7)


class AppointmentFilter(StrictFilterSet):
    start = UtcDateTimeFilter(
        method="filter_range",
        label="From this moment (included); the start of today on the practice's calendar "
        "unless given.",
    )
    end = UtcDateTimeFilter(
        method="filter_range",
        label="Until this moment (excluded), at most 42 days after `start`; a week after "
        "`start` unless given.",
    )
    clinician = django_filters.UUIDFilter(
        field_name="clinician_id", label="Whose appointments: yours unless given."
    )
    client = django_filters.UUIDFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)

    class Meta:
        model = Session
        fields = ["start", "end", "clinician", "client", "status"]

    @classmethod
    def asked_for(cls, data) -> bool:
        return True  # the range and the clinician apply when no filter is given

    def filter_range(self, queryset, name, value):
        return queryset  # both ends apply together, in filter_queryset

    def filter_queryset(self, queryset):
        start, end = self._range()
        queryset = queryset.filter(starts_at__gte=start, starts_at__lt=end)
        chosen = self.form.cleaned_data
        if not chosen.get("clinician") and not chosen.get("client"):
            queryset = queryset.filter(clinician=self.request.user)
        return super().filter_queryset(queryset)

    def _range(self) -> tuple[datetime, datetime]:
        practice = self.request.user.practice
        start = self.form.cleaned_data.get("start") or datetime.combine(
            practice_today(practice), time(), tzinfo=ZoneInfo(practice.time_zone)
        )
        end = self.form.cleaned_data.get("end") or start + DEFAULT_RANGE
        if end <= start or end - start > LONGEST_RANGE:
            message = "Ask for a range that ends after it starts, at most 42 days long."
            raise ValidationError({"end": [message]}, INCONSISTENT)
        return start, end


class AppointmentSeriesFilter(StrictFilterSet):
    client = client_ids_filter()
    clinician = django_filters.UUIDFilter(field_name="clinician_id")
    updated_since = UpdatedSinceFilter(also=("client",))

    class Meta:
        model = AppointmentSeries
        fields = ["client", "clinician", "updated_since"]
