"""Reads of client records, with everything a list needs in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now

from api import inline_prefetch
from api.auth.models import CLINICAL_ROLES, User
from api.compiled_once import CompiledOnce
from api.inline_prefetch import InlinePrefetch
from clients.models import Client

# Ids only, and the name that orders them.
CARE_TEAM = InlinePrefetch(Client, "care_team", fields=("id", "full_name"))
# The columns the client's rendering shows, and the id that orders them.
PRESENTING_ROOTS = InlinePrefetch(
    Client, "presenting_roots", fields=("id", "root", "severity", "is_primary", "note")
)


def clinical_staff(user: User) -> QuerySet[User]:
    """The practice's active clinicians and supervisors: who may hold or share a caseload."""
    return User.objects.filter(
        practice_id=user.practice_id, role__in=CLINICAL_ROLES, is_active=True
    )


def clients_for_reading(queryset: QuerySet[Client], user: User) -> QuerySet[Client]:
    """Annotate what the client serializer shows this user, care team and presenting roots
    included, in one query (admins see no clinical summary, so none is computed for them)."""
    if user.is_admin:
        return inline_prefetch.annotate(queryset, CARE_TEAM)
    return inline_prefetch.annotate(queryset, CARE_TEAM, PRESENTING_ROOTS).annotate(
        **CLINICAL_SUMMARY
    )


def _count(related: QuerySet[Client], relation: str) -> Coalesce:
    counted = related.values("pk").annotate(n=Count(relation)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Sessions and risk flags are reached by their relation names, not imported: those apps build on
# this one. Completed sessions have taken place: none can start in the future
# (sessions/services.py), and one recorded before that rule and dated ahead is not counted until
# its time has come.
_completed = Client.objects.filter(
    pk=OuterRef("pk"), sessions__status="completed", sessions__starts_at__lte=Now()
).order_by()
_open_flags = Client.objects.filter(
    pk=OuterRef("pk"), risk_flags__acknowledged_at__isnull=True
).order_by()

# Built and compiled once (api/compiled_once.py): they serve every query.
CLINICAL_SUMMARY = {
    "last_session_at": CompiledOnce(
        Client,
        Subquery(_completed.order_by("-sessions__starts_at").values("sessions__starts_at")[:1]),
    ),
    "sessions_count": CompiledOnce(Client, _count(_completed, "sessions")),
    "open_risk_flags": CompiledOnce(Client, _count(_open_flags, "risk_flags")),
}
