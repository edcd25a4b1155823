"""Reads of client records, with everything a list needs in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from api.auth.models import User
from assessments.models import RiskFlag
from clients.models import Client, PresentingRoot
from sessions.models import Session, SessionStatus


def clients_for_reading(queryset: QuerySet[Client], user: User) -> QuerySet[Client]:
    """Annotate and prefetch what the client serializer shows this user (admins see no
    clinical summary, so none is computed for them)."""
    queryset = queryset.prefetch_related("care_team")
    if user.is_admin:
        return queryset
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
    ).prefetch_related(Prefetch("presenting_roots", queryset=PresentingRoot.objects.all()))
