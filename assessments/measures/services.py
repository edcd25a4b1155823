"""Clinicians' writes to measures: schedules and invitations sent now. Each enforces the rules
in its docstring; who may see which is `clients.access`'s, as for every clinical record."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.auth.models import User
from api.exceptions import CONFLICT, Conflict
from api.timezones import practice_today
from assessments.measures.models import (
    OPEN_INVITATION,
    Channel,
    InvitationStatus,
    MeasureInvitation,
    MeasureSchedule,
    ScheduleStatus,
)
from assessments.measures.tasks import deliver_invitation
from assessments.measures.timing import next_due_at
from clients.access import require_write
from clients.models import Client


def _refuse_unreachable(client: Client, channel: str) -> None:
    if channel == Channel.SMS and not client.phone:
        message = "This client has no phone number to text: add one, or choose email."
    elif channel == Channel.EMAIL and not client.email:
        message = "This client has no email address: add one, or choose sms."
    else:
        return
    # The client's record, not the request, is what stands in the way: a conflict (409).
    raise ValidationError({"channel": [message]}, CONFLICT)


def _schedule_next(schedule: MeasureSchedule, now) -> None:
    """The schedule's next date from today on, or from tomorrow if it already sent today: a
    change made after a day's invitation went out does not send that day's again."""
    practice = schedule.client.practice
    today = practice_today(practice, now)
    start_of_today = datetime.combine(today, time.min, tzinfo=ZoneInfo(practice.time_zone))
    sent_today = (
        schedule.pk is not None
        and schedule.invitations.filter(
            session__isnull=True, created_at__gte=start_of_today
        ).exists()
    )
    earliest = today + timedelta(days=1) if sent_today else today
    schedule.next_due_at = next_due_at(schedule, practice, earliest=earliest)


@transaction.atomic
def schedule_create(*, by: User, client: Client, **fields) -> MeasureSchedule:
    """A schedule for a client the caller may change (403 if only read), reachable on its
    channel (400 naming `channel` otherwise). Its first invitation is due on its first date,
    at 09:00 on the practice's calendar, or now if that has passed today."""
    require_write(by, client)
    _refuse_unreachable(client, fields.get("channel", Channel.EMAIL))
    schedule = MeasureSchedule(
        client=client, practice_id=client.practice_id, created_by=by, **fields
    )
    _schedule_next(schedule, timezone.now())
    schedule.save()
    return schedule


@transaction.atomic
def schedule_update(*, schedule: MeasureSchedule, by: User, **fields) -> MeasureSchedule:
    """Change, pause (`status: paused`), resume (`active`) or stop (`stopped`) a schedule.
    A stopped schedule is final: changing it is a conflict (409). Its next date is worked out
    again from what it now says; dates missed while paused are skipped."""
    schedule = (
        MeasureSchedule.objects.select_for_update(of=("self",))
        .select_related("client__practice")
        .get(pk=schedule.pk)
    )
    require_write(by, schedule.client)
    if schedule.status == ScheduleStatus.STOPPED:
        raise Conflict("This schedule is stopped for good: create a new one instead.")
    for name, value in fields.items():
        setattr(schedule, name, value)
    _refuse_unreachable(schedule.client, schedule.channel)
    _schedule_next(schedule, timezone.now())
    schedule.save()
    return schedule


@transaction.atomic
def invitation_send_now(
    *, by: User, client: Client, instruments: list[str], channel: str, expires_after_days=None
) -> MeasureInvitation:
    """An invitation for a client the caller may change, sent once this commits. It expires
    after `expires_after_days`, or the practice's default."""
    require_write(by, client)
    _refuse_unreachable(client, channel)
    days = expires_after_days or client.practice.measure_expiry_days
    invitation = MeasureInvitation.objects.create(
        client=client,
        practice_id=client.practice_id,
        instruments=instruments,
        channel=channel,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )
    deliver_invitation.delay_on_commit(str(client.practice_id), str(invitation.pk))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: MeasureInvitation, by: User) -> MeasureInvitation:
    """Close an open invitation: its link stops working at once. One no longer open (answered,
    expired or revoked already) is a conflict (409)."""
    invitation = MeasureInvitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    require_write(by, invitation.client)
    if invitation.status not in OPEN_INVITATION or invitation.expires_at <= timezone.now():
        raise ValidationError(
            {"status": [f"This invitation is {invitation.status}: there is nothing to revoke."]},
            CONFLICT,
        )
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.remind_at = None
    invitation.save(update_fields=["status", "revoked_at", "revoked_by", "remind_at", "updated_at"])
    return invitation
