"""Reads of client records, with everything a list needs in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from api import inline_prefetch
from api.auth.models import User
from api.inline_prefetch import InlinePrefetch
from assessments.models import RiskFlag
from clients.models import Client
from sessions.models import Session, SessionStatus

# Ids only, and the name that orders them.
CARE_TEAM = InlinePrefetch(Client, "care_team", fields=("id", "full_name"))
PRESENTING_ROOTS = InlinePrefetch(Client, "presenting_roots")


def clients_for_reading(queryset: QuerySet[Client], user: User) -> QuerySet[Client]:
    """Annotate what the client serializer shows this user, care team and presenting roots
    included, in one query (admins see no clinical summary, so none is computed for them)."""
    if user.is_admin:
        return inline_prefetch.annotate(queryset, CARE_TEAM)
    queryset = inline_prefetch.annotate(queryset, CARE_TEAM, PRESENTING_ROOTS)
    completed = Session.objects.filter(client=OuterRef("pk"), status=SessionStatus.COMPLETED)
    open_flags = RiskFlag.objects.filter(client=OuterRef("pk"), acknowledged_at__isnull=True)
    return queryset.annotate(
        last_session_at=Subquery(completed.order_by("-starts_at").values("starts_at")[:1]),
        sessions_count=Coalesce(
            Subquery(
                completed.order_by().values("client").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        open_risk_flags=Coalesce(
            Subquery(
                open_flags.order_by().values("client").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    )
