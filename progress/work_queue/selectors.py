"""What is waiting for a member of staff, reason by reason: a fixed number of queries whatever
the caseload (one per source to list, one per source to count), and only the columns an item
needs: no note, homework or flag text is read, let alone decrypted.

Whose items: notes and appointments of the sessions they hold; co-signatures of the notes their
supervisees signed; reassessment, risk flags and homework of their own caseload (clients they
are primary clinician or on the care team of, not their supervisees' clients). Admins hold no
clinical work: `clinical_access` gives them nothing, so their queue is empty.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone

from api.auth.models import Practice, User
from api.timezones import practice_today
from assessments.measures.models import (
    OPEN_INVITATION,
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleStatus,
)
from assessments.models import Assessment, RiskFlag
from clients.access import clinical_access
from clients.models import ClientStatus
from progress.work_queue.expressions import MinutesAfter
from sessions.homework.models import Homework, HomeworkStatus
from sessions.models import Session, SessionStatus

# The most items listed per reason; the summary counts them all.
LIMIT_PER_REASON = 100


class Reason(models.TextChoices):
    """Why an item waits, in the order the queue lists them: safety first, then the day's
    appointments, then notes, then follow-up."""

    RISK_FLAG_OPEN = "risk_flag_open", "A risk flag of your client is open"
    APPOINTMENT_TODAY = "appointment_today", "You hold a session today"
    NOTE_UNSIGNED = "note_unsigned", "Your note is not signed in time"
    COSIGN_AWAITED = "cosign_awaited", "Your supervisee's signed note awaits your co-signature"
    HOMEWORK_OVERDUE = "homework_overdue", "Your client's homework is past its due date"
    REASSESSMENT_DUE = "reassessment_due", "Your client is due for reassessment"


class RecordType(models.TextChoices):
    SESSION = "session", "Session"
    ASSESSMENT = "assessment", "Assessment"
    MEASURE_SCHEDULE = "measure_schedule", "Measure schedule"
    RISK_FLAG = "risk_flag", "Risk flag"
    HOMEWORK = "homework", "Homework"


ROUTES = {
    RecordType.SESSION: "session-detail",
    RecordType.ASSESSMENT: "assessment-detail",
    RecordType.MEASURE_SCHEDULE: "measure-schedule-detail",
    RecordType.RISK_FLAG: "risk-flag-detail",
    RecordType.HOMEWORK: "homework-detail",
}
CLIENT_NAME = ("client__preferred_name", "client__given_name", "client__family_name")


@dataclass(frozen=True)
class WorkItem:
    reason: str
    record_type: str
    record_id: UUID
    client_id: UUID
    client_name: str
    due: datetime
    instruments: tuple[str, ...] = ()

    @property
    def link(self) -> str:
        return reverse(ROUTES[self.record_type], args=[self.record_id])


@dataclass(frozen=True)
class Source:
    """One query's worth of items: its rows, ordered as listed, and how a row becomes one."""

    reason: str
    rows: QuerySet
    item: Callable[[dict], WorkItem]


@dataclass(frozen=True)
class Moment:
    """When the queue is read: now, and today on the practice's calendar."""

    practice: Practice
    now: datetime

    @property
    def today(self) -> date:
        return practice_today(self.practice, self.now)

    def start_of(self, day: date) -> datetime:
        """Midnight starting `day` on the practice's calendar."""
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(self.practice.time_zone))


def _name(row: dict) -> str:
    given = row["client__preferred_name"] or row["client__given_name"]
    return f"{given} {row['client__family_name']}"


def _item(reason, record_type, row, due, *, record_id=None, instruments=()) -> WorkItem:
    return WorkItem(
        reason=reason,
        record_type=record_type,
        record_id=record_id or row["pk"],
        client_id=row["client_id"],
        client_name=_name(row),
        due=due,
        instruments=tuple(instruments),
    )


def _rows(queryset: QuerySet, *fields: str, order: tuple[str, ...]) -> QuerySet:
    return queryset.order_by(*order).values("pk", "client_id", *CLIENT_NAME, *fields)


def unsigned_notes(user: User, at: Moment) -> Source:
    """Completed sessions the user held whose note is unsigned `note_signing_hours` after the
    session ended; due when that time passed."""
    deadline = MinutesAfter(
        "starts_at", F("duration_minutes") + Value(at.practice.note_signing_hours * 60)
    )
    sessions = (
        Session.objects.filter(
            clinical_access(user),
            clinician=user,
            status=SessionStatus.COMPLETED,
            signed_at__isnull=True,
        )
        .annotate(deadline=deadline)
        .filter(deadline__lt=at.now)
    )
    return Source(
        Reason.NOTE_UNSIGNED,
        _rows(sessions, "deadline", order=("deadline", "id")),
        lambda row: _item(Reason.NOTE_UNSIGNED, RecordType.SESSION, row, row["deadline"]),
    )


def notes_to_cosign(user: User, at: Moment) -> Source:
    """Notes signed by the user's supervisees and not co-signed yet; due since signed."""
    sessions = Session.objects.filter(
        clinical_access(user),
        clinician__supervisor=user,
        signed_at__isnull=False,
        cosigned_at__isnull=True,
    )
    return Source(
        Reason.COSIGN_AWAITED,
        _rows(sessions, "signed_at", order=("signed_at", "id")),
        lambda row: _item(Reason.COSIGN_AWAITED, RecordType.SESSION, row, row["signed_at"]),
    )


def appointments_today(user: User, at: Moment) -> Source:
    """Sessions the user holds, still scheduled, starting today on the practice's calendar,
    those already past included; due when they start."""
    sessions = Session.objects.filter(
        clinical_access(user),
        clinician=user,
        status=SessionStatus.SCHEDULED,
        starts_at__gte=at.start_of(at.today),
        starts_at__lt=at.start_of(at.today + timedelta(days=1)),
    )
    return Source(
        Reason.APPOINTMENT_TODAY,
        _rows(sessions, "starts_at", order=("starts_at", "id")),
        lambda row: _item(Reason.APPOINTMENT_TODAY, RecordType.SESSION, row, row["starts_at"]),
    )


def open_risk_flags(user: User, at: Moment) -> Source:
    """Open risk flags of the user's caseload, oldest first; due from the day raised."""
    flags = RiskFlag.objects.filter(clinical_access(user, write=True), acknowledged_at__isnull=True)
    return Source(
        Reason.RISK_FLAG_OPEN,
        _rows(flags, "raised_on", order=("raised_on", "created_at", "id")),
        lambda row: _item(
            Reason.RISK_FLAG_OPEN, RecordType.RISK_FLAG, row, at.start_of(row["raised_on"])
        ),
    )


def overdue_homework(user: User, at: Moment) -> Source:
    """Homework of the user's active clients still `assigned` after its due date; due from
    the day after it."""
    homework = Homework.objects.filter(
        clinical_access(user, write=True),
        client__status=ClientStatus.ACTIVE,
        status=HomeworkStatus.ASSIGNED,
        due_on__lt=at.today,
    )
    return Source(
        Reason.HOMEWORK_OVERDUE,
        _rows(homework, "due_on", order=("due_on", "created_at", "id")),
        lambda row: _item(
            Reason.HOMEWORK_OVERDUE,
            RecordType.HOMEWORK,
            row,
            at.start_of(row["due_on"] + timedelta(days=1)),
        ),
    )


def instruments_due(user: User, at: Moment) -> Source:
    """Per active client of the user's caseload and instrument they have taken: the latest
    administration (not void), when `reassessment_days` have passed since it without another;
    due from that day. The item's record is that latest administration."""
    days = timedelta(days=at.practice.reassessment_days)
    latest = Assessment.objects.filter(
        client=OuterRef("client_id"), instrument=OuterRef("instrument"), voided_at__isnull=True
    ).order_by("-administered_on", "-created_at", "-id")
    groups = (
        Assessment.objects.filter(
            clinical_access(user, write=True),
            client__status=ClientStatus.ACTIVE,
            voided_at__isnull=True,
        )
        .values("client_id", "instrument", *CLIENT_NAME)
        .annotate(last=Max("administered_on"))
        .filter(last__lte=at.today - days)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .order_by("last", "latest_id")
    )
    return Source(
        Reason.REASSESSMENT_DUE,
        groups,
        lambda row: _item(
            Reason.REASSESSMENT_DUE,
            RecordType.ASSESSMENT,
            row,
            at.start_of(row["last"] + days),
            record_id=row["latest_id"],
            instruments=[row["instrument"]],
        ),
    )


def schedules_overdue(user: User, at: Moment) -> Source:
    """Active measure schedules of the user's active clients whose latest invitation went
    unanswered until it expired; due from its expiry."""
    latest = MeasureInvitation.objects.filter(schedule=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    schedules = (
        MeasureSchedule.objects.filter(
            clinical_access(user, write=True),
            client__status=ClientStatus.ACTIVE,
            status=ScheduleStatus.ACTIVE,
        )
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            expired_at=Subquery(latest.values("expires_at")[:1]),
        )
        # An invitation past its expiry is expired, even before the task marks it so.
        .filter(
            Q(latest_status=InvitationStatus.EXPIRED)
            | Q(latest_status__in=OPEN_INVITATION, expired_at__lte=at.now)
        )
    )
    return Source(
        Reason.REASSESSMENT_DUE,
        _rows(schedules, "expired_at", "instruments", order=("expired_at", "id")),
        lambda row: _item(
            Reason.REASSESSMENT_DUE,
            RecordType.MEASURE_SCHEDULE,
            row,
            row["expired_at"],
            instruments=row["instruments"],
        ),
    )


SOURCES = (
    open_risk_flags,
    appointments_today,
    unsigned_notes,
    notes_to_cosign,
    overdue_homework,
    instruments_due,
    schedules_overdue,
)


def _sources(user: User, now: datetime | None) -> list[Source]:
    at = Moment(practice=user.practice, now=now or timezone.now())
    return [source(user, at) for source in SOURCES]


@dataclass(frozen=True)
class WorkQueue:
    items: list[WorkItem]
    truncated: list[str]  # the reasons with more items than listed

    @property
    def client_ids(self) -> list[UUID]:
        return list(dict.fromkeys(item.client_id for item in self.items))


def work_queue(user: User, now: datetime | None = None) -> WorkQueue:
    """The items waiting for `user`: reason by reason in `Reason`'s order, each reason's
    items by when they fell due, at most `LIMIT_PER_REASON` of each. Items due at the same
    moment keep their source's order (risk flags and homework: the older record first;
    sessions and schedules: by id; reassessment: instruments before schedules)."""
    by_reason: dict[str, list[WorkItem]] = {reason: [] for reason in Reason.values}
    for source in _sources(user, now):
        rows = source.rows[: LIMIT_PER_REASON + 1]
        by_reason[source.reason].extend(source.item(row) for row in rows)
    items, truncated = [], []
    for reason, reason_items in by_reason.items():
        reason_items.sort(key=lambda item: item.due)  # stable: ties keep the sources' order
        if len(reason_items) > LIMIT_PER_REASON:
            truncated.append(reason)
        items.extend(reason_items[:LIMIT_PER_REASON])
    return WorkQueue(items=items, truncated=truncated)


def work_queue_counts(user: User, now: datetime | None = None) -> dict[str, int]:
    """How many items wait for `user`, per reason (all of them, not only those listed)."""
    counts = dict.fromkeys(Reason.values, 0)
    for source in _sources(user, now):
        counts[source.reason] += source.rows.count()
    return counts
