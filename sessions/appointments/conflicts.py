"""A clinician booked twice at once: refused (409) unless the booking says it means to, and
then recorded on the session (`double_booked`)."""

from datetime import datetime, timedelta

from rest_framework.exceptions import ValidationError

from api.exceptions import CONFLICT
from sessions.models import Session, SessionStatus

LONGEST = timedelta(minutes=600)  # no session lasts longer (the model's constraint)

Span = tuple[datetime, datetime]


def clashes(clinician_id, spans: list[Span], *, ignoring=()) -> dict[int, list[Session]]:
    """For each span (by index) the clinician's other scheduled sessions it overlaps, in one
    query; spans that overlap none are left out."""
    if not spans:
        return {}
    candidates = list(
        Session.objects.filter(
            clinician_id=clinician_id,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=min(start for start, _ in spans) - LONGEST,
            starts_at__lt=max(end for _, end in spans),
        )
        .exclude(pk__in=ignoring)
        .only("pk", "starts_at", "duration_minutes")
        .order_by("starts_at")
    )
    found = {}
    for index, (start, end) in enumerate(spans):
        overlapping = [
            session
            for session in candidates
            if session.starts_at < end
            and session.starts_at + timedelta(minutes=session.duration_minutes) > start
        ]
        if overlapping:
            found[index] = overlapping
    return found


def refuse_unless_allowed(found: dict[int, list[Session]], *, allowed: bool) -> None:
    """409 naming the sessions booked already, unless double booking is `allowed`."""
    if not found or allowed:
        return
    taken = sorted({session for sessions in found.values() for session in sessions}, key=_start)
    listed = ", ".join(
        f"{s.starts_at.isoformat()} ({s.duration_minutes} min, session {s.pk})" for s in taken
    )
    message = (
        f"The clinician already has {'a session' if len(taken) == 1 else 'sessions'} then: "
        f"{listed}. Choose another time, or send allow_double_booking: true to book anyway."
    )
    raise ValidationError({"starts_at": [message]}, CONFLICT)


def _start(session: Session) -> datetime:
    return session.starts_at
