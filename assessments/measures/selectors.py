"""How clients keep up with their measures: invitations sent, completed and expired."""

from django.db.models import Count, Q, QuerySet

from assessments.measures.models import InvitationStatus, MeasureInvitation

COMPLETION = {
    "sent": Count("pk", filter=Q(sent_at__isnull=False)),
    "completed": Count("pk", filter=Q(status=InvitationStatus.COMPLETED)),
    "expired": Count("pk", filter=Q(status=InvitationStatus.EXPIRED)),
}


def completion(invitations: QuerySet[MeasureInvitation]) -> dict:
    """Counts over `invitations`, in one query: `sent`, `completed` and `expired`."""
    return invitations.aggregate(**COMPLETION)


def completion_by_clinician(invitations: QuerySet[MeasureInvitation]) -> list[dict]:
    """The same counts for each primary clinician of the invitations' clients, in one query."""
    return list(
        invitations.values("client__primary_clinician")
        .annotate(**COMPLETION)
        .order_by("client__primary_clinician")
    )
