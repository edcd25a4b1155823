"""A client's progress: outcomes per instrument and paired (PHQ-9 with GAD-7), roots over time,
homework, sessions, open risk flags and measures completed between sessions. A fixed number of
queries however much history the client has. The outcome rules live in `assessments.outcomes`.
"""

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Now

from api.timezones import local_date
from api.vocabulary import Root
from assessments.instruments import INSTRUMENTS
from assessments.measures.models import MeasureInvitation
from assessments.measures.selectors import completion
from assessments.models import Assessment, RiskFlag
from assessments.outcomes import instrument_outcomes, paired_outcome
from clients.models import Client
from sessions.homework.selectors import homework_adherence
from sessions.models import Session, SessionRoot, SessionStatus


def roots_over_time(client: Client, assessments: list[Assessment]) -> list[dict]:
    """For each root: completed sessions that addressed it, the practice's local dates of the
    first and last, and the roots5 index (latest, and change since the first) where the client
    has taken it."""
    addressed = {
        row["root"]: row
        for row in SessionRoot.objects.filter(
            session__client=client,
            session__status=SessionStatus.COMPLETED,
            session__starts_at__lte=Now(),
        )
        .values("root")
        .annotate(
            sessions=Count("session"),
            first=Min("session__starts_at"),
            last=Max("session__starts_at"),
        )
        .order_by()
    }
    index = [a.subscores for a in assessments if INSTRUMENTS[a.instrument].subscores_by_root]
    roots = []
    for root in Root.values:
        row = addressed.get(root, {})
        roots.append(
            {
                "root": root,
                "sessions_addressed": row.get("sessions", 0),
                "first_addressed": local_date(row.get("first"), client.practice),
                "last_addressed": local_date(row.get("last"), client.practice),
                "latest_index": index[-1][root] if index else None,
                "index_change": index[-1][root] - index[0][root] if len(index) > 1 else None,
            }
        )
    return roots


def session_counts(client: Client) -> dict:
    """All sessions, and the completed ones (which have taken place: a completed session
    cannot start in the future), with the practice's local dates of the first and last."""
    completed = Q(status=SessionStatus.COMPLETED, starts_at__lte=Now())
    totals = Session.objects.filter(client=client).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=completed),
        first=Min("starts_at", filter=completed),
        last=Max("starts_at", filter=completed),
    )
    return {
        "total": totals["total"],
        "completed": totals["completed"],
        "first": local_date(totals["first"], client.practice),
        "last": local_date(totals["last"], client.practice),
    }


def open_risk_flags(client: Client) -> list[RiskFlag]:
    return list(
        RiskFlag.objects.filter(client=client, acknowledged_at__isnull=True).select_related(
            "assessment", "client"
        )
    )


def client_progress(client: Client) -> dict:
    assessments = list(
        Assessment.objects.filter(client=client, voided_at__isnull=True).order_by(
            "administered_on", "created_at", "id"
        )
    )
    return {
        "client": client.pk,
        "instruments": instrument_outcomes(assessments),
        "paired_outcomes": paired_outcome(assessments),
        "roots": roots_over_time(client, assessments),
        "homework": homework_adherence(client),
        "sessions": session_counts(client),
        "risk_flags": open_risk_flags(client),
        "measures": completion(MeasureInvitation.objects.filter(client=client)),
    }
