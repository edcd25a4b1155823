from datetime import UTC, datetime

import django_filters
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from api.audit.models import AuditAction, AuditEvent, AuditOutcome
from api.filters import CLINICAL, StrictFilterSet, UpdatedSinceFilter
from api.vocabulary import Root
from clients.access import client_ids_held
from clients.models import Client, ClientStatus, PresentingRoot


class ClientFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)
    clinician = django_filters.UUIDFilter(
        method="filter_clinician", label="Primary clinician or care-team member (user id)."
    )
    root = django_filters.ChoiceFilter(
        choices=Root.choices,
        method="filter_root",
        label="Presenting root of insecurity." + CLINICAL,
    )
    search = django_filters.CharFilter(
        method="filter_search",
        label="Part of a given, family or preferred name, or the external id.",
    )
    updated_since = UpdatedSinceFilter(
        method="filter_updated_since",
        help_text="Only clients changed at or after this moment (RFC 3339, with its offset), "
        "for incremental sync (docs/sync.md): for clinicians and supervisors, those whose "
        "sessions or risk flags changed too, since the list counts them.",
    )

    clinical_filters = ("root",)
    orderings = {
        "family_name": "family_name",
        "given_name": "given_name",
        "intake_date": "intake_date",
        "created_at": "created_at",
        # A client never seen sorts as seen at the dawn of time: first among the longest unseen.
        "last_session_at": Coalesce("last_session_at", Value(datetime(1, 1, 1, tzinfo=UTC))),
    }
    clinical_orderings = ("last_session_at",)

    class Meta:
        model = Client
        fields = ["status", "clinician", "root", "search", "updated_since"]

    def filter_clinician(self, queryset, name, value):
        return queryset.filter(pk__in=client_ids_held(user_id=value))

    def filter_root(self, queryset, name, value):
        return queryset.filter(
            Exists(PresentingRoot.objects.filter(client_id=OuterRef("pk"), root=value))
        )

    def filter_updated_since(self, queryset, name, value):
        changed = Q(updated_at__gte=value)
        if not self.request.user.is_admin:  # admins are shown no clinical summary
            changed |= clinical_summary_changed(value)
        return queryset.filter(changed)

    def filter_search(self, queryset, name, value):
        every_term_in_a_name = Q()
        for term in value.split():
            every_term_in_a_name &= (
                Q(given_name__icontains=term)
                | Q(family_name__icontains=term)
                | Q(preferred_name__icontains=term)
            )
        return queryset.filter(every_term_in_a_name | Q(external_id__iexact=value.strip()))


def clinical_summary_changed(since) -> Q:
    """Clients whose clinical summary (`clients.selectors.CLINICAL_SUMMARY`) may read otherwise
    since a moment: a session or risk flag of theirs written, or a session deleted (the audit
    trail holds deletions). Reached by relation and audit names: those apps build on this one."""
    client = OuterRef("pk")
    session_deleted = AuditEvent.objects.filter(
        client_id=client,
        object_type="session",
        action=AuditAction.DELETE,
        outcome=AuditOutcome.SUCCESS,
        at__gte=since,
    )
    return (
        Exists(Client.objects.filter(pk=client, sessions__updated_at__gte=since))
        | Exists(Client.objects.filter(pk=client, risk_flags__updated_at__gte=since))
        | Exists(session_deleted)
    )
