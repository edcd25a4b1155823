"""A client's progress: outcomes per instrument, roots over time, homework, sessions and open
risk flags. A fixed number of queries however much history the client has.

Outcome labels follow INSTRUMENTS.md: baseline is the first and latest the last non-void
administration by date; reliable change uses each instrument's threshold; recovery uses its
clinical cut-off.
"""

from collections import defaultdict

from django.db.models import Count, Max, Min, Q

from api.vocabulary import Root
from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import Direction, Instrument
from assessments.models import Assessment, RiskFlag
from clients.models import Client
from sessions.homework.selectors import homework_adherence
from sessions.models import Session, SessionRoot, SessionStatus


class ReliableChangeLabel:
    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_APPLICABLE = "not_applicable"

    choices = [
        (IMPROVED, "Reliably improved"),
        (DETERIORATED, "Reliably deteriorated"),
        (NO_RELIABLE_CHANGE, "No reliable change"),
        (INSUFFICIENT_DATA, "Fewer than two administrations"),
        (NOT_APPLICABLE, "The instrument has no reliable change threshold"),
    ]


def reliable_change(instrument: Instrument, baseline: int, latest: int, count: int) -> str:
    if instrument.reliable_change is None:
        return ReliableChangeLabel.NOT_APPLICABLE
    if count < 2:
        return ReliableChangeLabel.INSUFFICIENT_DATA
    better = (
        baseline - latest
        if instrument.direction is Direction.LOWER_IS_BETTER
        else latest - baseline
    )
    if better >= instrument.reliable_change.threshold:
        return ReliableChangeLabel.IMPROVED
    if -better >= instrument.reliable_change.threshold:
        return ReliableChangeLabel.DETERIORATED
    return ReliableChangeLabel.NO_RELIABLE_CHANGE


def recovery(instrument: Instrument, baseline: int, latest: int, count: int, change_label: str):
    """(recovered, reliable_recovery): None where there is no cut-off, too little data, or the
    client was not a case at baseline."""
    if instrument.clinical_cutoff is None or count < 2 or not instrument.is_case(baseline):
        return None, None
    recovered = not instrument.is_case(latest)
    return recovered, recovered and change_label == ReliableChangeLabel.IMPROVED


def instrument_outcomes(assessments: list[Assessment]) -> list[dict]:
    by_instrument: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_instrument[assessment.instrument].append(assessment)
    outcomes = []
    for code, instrument in INSTRUMENTS.items():
        points = by_instrument.get(code)
        if not points:
            continue
        baseline, latest = points[0].total_score, points[-1].total_score
        label = reliable_change(instrument, baseline, latest, len(points))
        recovered, reliable_recovery = recovery(instrument, baseline, latest, len(points), label)
        outcomes.append(
            {
                "instrument": code,
                "direction": instrument.direction.value,
                "points": [
                    {
                        "assessment": point.pk,
                        "administered_on": point.administered_on,
                        "total_score": point.total_score,
                        "severity": point.severity or None,
                    }
                    for point in points
                ],
                "baseline": baseline,
                "latest": latest,
                "change": latest - baseline if len(points) > 1 else None,
                "reliable_change": label,
                "reliable_change_threshold": (
                    instrument.reliable_change.threshold if instrument.reliable_change else None
                ),
                "recovered": recovered,
                "reliable_recovery": reliable_recovery,
            }
        )
    return outcomes


def roots_over_time(client: Client, assessments: list[Assessment]) -> list[dict]:
    """For each root: completed sessions that addressed it, first and last, and the roots5
    index (latest, and change since the first) where the client has taken it."""
    addressed = {
        row["root"]: row
        for row in SessionRoot.objects.filter(
            session__client=client, session__status=SessionStatus.COMPLETED
        )
        .values("root")
        .annotate(
            sessions=Count("session"),
            first=Min("session__starts_at"),
            last=Max("session__starts_at"),
        )
        .order_by()
    }
    index = [a.subscores for a in assessments if a.instrument == "roots5"]
    roots = []
    for root in Root.values:
        row = addressed.get(root, {})
        roots.append(
            {
                "root": root,
                "sessions_addressed": row.get("sessions", 0),
                "first_addressed": row["first"].date() if row else None,
                "last_addressed": row["last"].date() if row else None,
                "latest_index": index[-1][root] if index else None,
                "index_change": index[-1][root] - index[0][root] if len(index) > 1 else None,
            }
        )
    return roots


def session_counts(client: Client) -> dict:
    completed = Q(status=SessionStatus.COMPLETED)
    totals = Session.objects.filter(client=client).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=completed),
        first=Min("starts_at", filter=completed),
        last=Max("starts_at", filter=completed),
    )
    return {
        "total": totals["total"],
        "completed": totals["completed"],
        "first": totals["first"].date() if totals["first"] else None,
        "last": totals["last"].date() if totals["last"] else None,
    }


def open_risk_flags(client: Client) -> list[RiskFlag]:
    return list(
        RiskFlag.objects.filter(client=client, acknowledged_at__isnull=True).select_related(
            "assessment"
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
        "roots": roots_over_time(client, assessments),
        "homework": homework_adherence(client),
        "sessions": session_counts(client),
        "risk_flags": open_risk_flags(client),
    }
