"""The measures' background work (conventions: api/tasks.py). `tick` runs every minute
(`CELERY_BEAT_SCHEDULE`, or `manage.py run_scheduler` under `make run`): it takes what is due
and sends a practice task per row, once, however many schedulers tick."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from api.events.models import Topic
from api.events.outbox import emit_many
from api.tasks import claim_due, periodic_task, practice_task
from api.timezones import practice_today
from assessments.measures import delivery
from assessments.measures.models import (
    OPEN_INVITATION,
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleKind,
    ScheduleStatus,
)
from assessments.measures.timing import next_due_at
from assessments.models import RiskFlag
from sessions.models import Session, SessionStatus


@practice_task
def deliver_invitation(practice_id, invitation_id, reminder=False):
    return delivery.deliver_invitation(invitation_id, reminder=reminder)


@practice_task
def alert_risk(practice_id, flag_id, again=False):
    return delivery.alert_risk(flag_id, again=again)


@periodic_task
def tick():
    """Everything due now, each row taken by one tick only."""
    now = timezone.now()
    return {
        "sent": send_due_schedules(now) + send_before_sessions(now),
        "reminded": remind_due(now),
        "expired": expire_due(now),
        "escalated": escalate_due(now),
    }


def invite(schedule: MeasureSchedule, now: datetime, **fields) -> MeasureInvitation:
    """An invitation from `schedule`, sent once its transaction commits."""
    days = schedule.expires_after_days or schedule.practice.measure_expiry_days
    invitation = MeasureInvitation.objects.create(
        client_id=schedule.client_id,
        practice_id=schedule.practice_id,
        schedule=schedule,
        instruments=schedule.instruments,
        channel=schedule.channel,
        expires_at=now + timedelta(days=days),
        **fields,
    )
    deliver_invitation.delay_on_commit(str(schedule.practice_id), str(invitation.pk))
    return invitation


def send_due_schedules(now: datetime) -> int:
    due = MeasureSchedule.objects.filter(status=ScheduleStatus.ACTIVE, next_due_at__lte=now)
    schedules = claim_due(due.select_related("practice"))
    for schedule in schedules:
        invite(schedule, now)
        schedule.sends += 1
        tomorrow = practice_today(schedule.practice, now) + timedelta(days=1)
        schedule.next_due_at = next_due_at(schedule, schedule.practice, earliest=tomorrow)
        schedule.save(update_fields=["sends", "next_due_at", "updated_at"])
    return len(schedules)


def send_before_sessions(now: datetime) -> int:
    """One invitation per scheduled session, the schedule's hours before it starts."""
    around_sessions = MeasureSchedule.objects.filter(
        status=ScheduleStatus.ACTIVE, kind=ScheduleKind.BEFORE_SESSION
    )
    sent = 0
    for schedule in claim_due(around_sessions.select_related("practice")):
        invited = MeasureInvitation.objects.filter(schedule=schedule, session=OuterRef("pk"))
        sessions = Session.objects.filter(
            client_id=schedule.client_id,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=schedule.hours_before_session),
        ).exclude(Exists(invited))
        for session in sessions:
            invite(schedule, now, session=session)
            sent += 1
    return sent


def remind_due(now: datetime) -> int:
    due = MeasureInvitation.objects.filter(
        status=InvitationStatus.SENT, remind_at__lte=now, expires_at__gt=now
    )
    invitations = claim_due(due)
    for invitation in invitations:
        # Due no longer, whatever becomes of the task: a reminder is sent at most once.
        MeasureInvitation.objects.filter(pk=invitation.pk).update(remind_at=None)
        deliver_invitation.delay_on_commit(
            str(invitation.practice_id), str(invitation.pk), reminder=True
        )
    return len(invitations)


def expire_due(now: datetime) -> int:
    """Invitations past their expiry, marked expired, each with its event."""
    due = MeasureInvitation.objects.filter(status__in=OPEN_INVITATION, expires_at__lte=now)
    expiring = claim_due(due.only("pk", "practice_id", "client_id"))
    MeasureInvitation.objects.filter(pk__in=[i.pk for i in expiring]).update(
        status=InvitationStatus.EXPIRED, remind_at=None, updated_at=now
    )
    emit_many(Topic.MEASURE_EXPIRED, expiring)
    return len(expiring)


def escalate_due(now: datetime) -> int:
    due = RiskFlag.objects.filter(acknowledged_at__isnull=True, alert_escalate_at__lte=now)
    flags = claim_due(due)
    for flag in flags:
        RiskFlag.objects.filter(pk=flag.pk).update(alert_escalate_at=None)
        alert_risk.delay_on_commit(str(flag.practice_id), str(flag.pk), again=True)
    return len(flags)
