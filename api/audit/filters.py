import django_filters

from api.audit.models import AuditAction, AuditEvent
from api.filters import StrictFilterSet, UtcDateTimeFilter


class AuditEventFilter(StrictFilterSet):
    client = django_filters.UUIDFilter(field_name="client_id")
    actor = django_filters.UUIDFilter(field_name="actor_id")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    at_after = UtcDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = UtcDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["client", "actor", "action", "at_after", "at_before"]
