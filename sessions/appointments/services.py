"""Writes for appointments: recurring series, rescheduling, cancelling, no-shows. Each enforces
the rules in its docstring; only a session's clinician changes it (as for any session)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.auth.models import User
from api.exceptions import CONFLICT, INCONSISTENT
from clients.access import require_write
from clients.models import Client
from sessions.appointments import conflicts, recurrence
from sessions.appointments.models import AppointmentSeries
from sessions.models import Session, SessionStatus
from sessions.services import refuse_clinician_off_caseload, refuse_unless_own


def _spans(starts, duration_minutes: int) -> list[conflicts.Span]:
    return [(start, start + timedelta(minutes=duration_minutes)) for start in starts]


@transaction.atomic
def series_create(
    *,
    by: User,
    client: Client,
    starts_at,
    interval_weeks: int,
    duration_minutes: int,
    ends_on=None,
    count=None,
    clinician: User | None = None,
    allow_double_booking: bool = False,
    **fields,
) -> AppointmentSeries:
    """A series of appointments, each a scheduled session, every `interval_weeks` weeks at the
    first one's local time, until `ends_on` or for `count` of them (at most two years' worth).
    Any that would overlap the clinician's other scheduled sessions is a 409 naming them,
    unless `allow_double_booking` (then recorded on each session that overlaps)."""
    require_write(by, client)
    clinician = clinician or by
    refuse_clinician_off_caseload(clinician, by, client)
    starts = recurrence.occurrences(
        starts_at,
        client.practice.time_zone,
        interval_weeks,
        ends_on=ends_on,
        count=count,
        most=recurrence.MOST_OCCURRENCES + 1,
    )
    if len(starts) > recurrence.MOST_OCCURRENCES:
        message = (
            f"A series holds at most {recurrence.MOST_OCCURRENCES} appointments: end it "
            "sooner, or give a count."
        )
        raise ValidationError({"ends_on": [message]}, INCONSISTENT)
    if not starts:
        message = "The series ends before its first appointment."
        raise ValidationError({"ends_on": [message]}, INCONSISTENT)
    found = conflicts.clashes(clinician.pk, _spans(starts, duration_minutes))
    conflicts.refuse_unless_allowed(found, allowed=allow_double_booking)
    series = AppointmentSeries.objects.create(
        client=client,
        practice_id=client.practice_id,
        clinician=clinician,
        starts_at=starts[0],
        interval_weeks=interval_weeks,
        ends_on=ends_on,
        count=count,
        created_by=by,
    )
    Session.objects.bulk_create(
        Session(
            client=client,
            practice_id=client.practice_id,
            clinician=clinician,
            series=series,
            starts_at=start,
            duration_minutes=duration_minutes,
            status=SessionStatus.SCHEDULED,
            double_booked=index in found,
            **fields,
        )
        for index, start in enumerate(starts)
    )
    return series


def _scheduled(session: Session, *, following: bool) -> list[Session]:
    """The session, locked, or with `following` it and its series' later scheduled ones."""
    if not following or session.series_id is None:
        return [session]
    return list(
        Session.objects.select_for_update(of=("self",))
        .select_related("client")  # whose name the answer shows
        .filter(
            series_id=session.series_id,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=session.starts_at,
        )
        .order_by("starts_at")
    )


def _refuse_unless_scheduled(session: Session, change: str) -> None:
    if session.status != SessionStatus.SCHEDULED:
        status = SessionStatus(session.status).label.lower()
        raise ValidationError(
            {"status": [f"This session is {status}: only a scheduled one can be {change}."]},
            CONFLICT,
        )


@transaction.atomic
def session_reschedule(
    *,
    session: Session,
    by: User,
    starts_at,
    duration_minutes: int | None = None,
    following: bool = False,
    allow_double_booking: bool = False,
) -> list[Session]:
    """Move a scheduled session (409 if not scheduled), and with `following` every later
    scheduled one of its series by the same step on the practice's wall clock. Overlaps with
    the clinician's other scheduled sessions are a 409 unless `allow_double_booking`."""
    session = (
        Session.objects.select_for_update().select_related("client__practice").get(pk=session.pk)
    )
    refuse_unless_own(session, by)
    _refuse_unless_scheduled(session, "rescheduled")
    moving = _scheduled(session, following=following)
    time_zone = session.client.practice.time_zone
    step = recurrence.wall_clock_difference(session.starts_at, starts_at, time_zone)
    for moved in moving:
        moved.starts_at = recurrence.shifted(moved.starts_at, step, time_zone)
        moved.duration_minutes = duration_minutes or moved.duration_minutes
    found = conflicts.clashes(
        session.clinician_id,
        [(s.starts_at, s.ends_at) for s in moving],
        ignoring=[s.pk for s in moving],
    )
    conflicts.refuse_unless_allowed(found, allowed=allow_double_booking)
    for index, moved in enumerate(moving):
        moved.double_booked = index in found
        moved.save(update_fields=["starts_at", "duration_minutes", "double_booked", "updated_at"])
    return moving


@transaction.atomic
def session_cancel(
    *, session: Session, by: User, reason: str, following: bool = False
) -> list[Session]:
    """Cancel a scheduled session with a reason (409 if not scheduled), and with `following`
    every later scheduled one of its series. Kept on record: cancelled, not deleted."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("client").get(pk=session.pk)
    )
    refuse_unless_own(session, by)
    _refuse_unless_scheduled(session, "cancelled")
    cancelled = _scheduled(session, following=following)
    now = timezone.now()
    for each in cancelled:
        each.status = SessionStatus.CANCELLED
        each.cancellation_reason = reason
        each.cancelled_at = now
        each.save(update_fields=["status", "cancellation_reason", "cancelled_at", "updated_at"])
    return cancelled
