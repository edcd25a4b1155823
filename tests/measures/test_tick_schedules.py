"""The scheduler's tick sends what schedules have due: one invitation and one message per due
date, never twice, advancing every-N schedules to their next date and ending them at
`max_sends` or `ends_on`; paused and stopped schedules send nothing; schedules around sessions
send once per scheduled session, the schedule's hours before it."""

from datetime import date, datetime

import pytest

from api.auth.models import Practice
from assessments.measures import sms
from assessments.measures.models import MeasureInvitation, MeasureSchedule
from sessions.models import Session
from tests.factories import MeasureScheduleFactory, SessionFactory
from tests.measures.conftest import CLIENT_EMAIL, CLIENT_PHONE, link_token

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
DUE = "2026-03-02T09:00:00Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def weekly(measured_client):
    return MeasureScheduleFactory(
        client=measured_client,
        starts_on=MONDAY,
        interval=1,
        interval_unit="weeks",
        next_due_at=at(DUE),
    )


def fresh(schedule) -> MeasureSchedule:
    return MeasureSchedule.objects.get(pk=schedule.pk)


def test_a_due_schedule_sends_one_invitation_and_one_email(weekly, tick, outbox, practice):
    counts = tick(now="2026-03-02T09:00:30Z")

    assert counts["sent"] == 1
    (invitation,) = MeasureInvitation.objects.all()
    assert (invitation.schedule_id, invitation.client_id) == (weekly.pk, weekly.client_id)
    assert (invitation.instruments, invitation.channel, invitation.status) == (
        ["phq9"],
        "email",
        "sent",
    )
    assert invitation.created_by is None
    assert invitation.expires_at == at("2026-03-09T09:00:30Z")  # the practice's 7 days
    (message,) = outbox
    assert message.to == [CLIENT_EMAIL]
    assert practice.name in message.body
    assert link_token(message.body)


def test_a_second_tick_sends_nothing_more(weekly, tick, outbox):
    tick(now="2026-03-02T09:00:30Z")

    counts = tick(now="2026-03-02T09:01:30Z")

    assert counts["sent"] == 0
    assert MeasureInvitation.objects.count() == 1
    assert len(outbox) == 1


def test_nothing_is_sent_before_the_due_moment(weekly, tick, outbox):
    assert tick(now="2026-03-02T08:59:59Z")["sent"] == 0
    assert outbox == []


def test_an_every_schedule_moves_to_its_next_date(weekly, tick, outbox):
    tick(now="2026-03-02T09:00:30Z")

    assert fresh(weekly).next_due_at == at("2026-03-09T09:00:00Z")
    assert fresh(weekly).sends == 1
    tick(now="2026-03-09T09:00:30Z")
    assert (fresh(weekly).sends, fresh(weekly).next_due_at) == (2, at("2026-03-16T09:00:00Z"))
    assert len(outbox) == 2


def test_dates_missed_while_nothing_ticked_are_skipped(weekly, tick, outbox):
    counts = tick(now="2026-03-19T12:00:00Z")  # two weeks and more since the due date

    assert counts["sent"] == 1
    assert len(outbox) == 1
    assert fresh(weekly).next_due_at == at("2026-03-23T09:00:00Z")


def test_the_practice_calendar_decides_the_next_date(weekly, tick, practice):
    """In New York, 09:00 is 14:00 UTC in winter and 13:00 once the clocks go forward."""
    Practice.objects.filter(pk=practice.pk).update(time_zone="America/New_York")
    MeasureSchedule.objects.filter(pk=weekly.pk).update(next_due_at=at("2026-03-02T14:00:00Z"))

    tick(now="2026-03-02T14:00:30Z")

    assert fresh(weekly).next_due_at == at("2026-03-09T13:00:00Z")


def test_max_sends_ends_the_schedule(weekly, tick, outbox):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(max_sends=2)

    tick(now="2026-03-02T09:00:30Z")
    tick(now="2026-03-09T09:00:30Z")

    assert fresh(weekly).next_due_at is None
    assert tick(now="2026-03-16T09:00:30Z")["sent"] == 0
    assert len(outbox) == 2


def test_ends_on_ends_the_schedule(weekly, tick, outbox):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(ends_on=date(2026, 3, 15))

    tick(now="2026-03-02T09:00:30Z")
    tick(now="2026-03-09T09:00:30Z")

    assert fresh(weekly).next_due_at is None
    assert tick(now="2026-03-16T09:00:30Z")["sent"] == 0
    assert len(outbox) == 2


def test_a_once_schedule_sends_once(weekly, tick, outbox):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(
        kind="once", interval=None, interval_unit=""
    )

    tick(now="2026-03-02T09:00:30Z")

    assert fresh(weekly).next_due_at is None
    assert tick(now="2026-03-09T09:00:30Z")["sent"] == 0
    assert len(outbox) == 1


def test_the_schedules_expiry_and_channel_are_the_invitations(weekly, tick, outbox):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(expires_after_days=2, channel="sms")

    tick(now="2026-03-02T09:00:30Z")

    invitation = MeasureInvitation.objects.get()
    assert invitation.expires_at == at("2026-03-04T09:00:30Z")
    assert invitation.channel == "sms"
    assert outbox == []
    ((to, body),) = sms.outbox
    assert to == CLIENT_PHONE
    assert link_token(body)


@pytest.mark.parametrize("status", ["paused", "stopped"])
def test_paused_and_stopped_schedules_send_nothing(status, weekly, tick, outbox):
    MeasureSchedule.objects.filter(pk=weekly.pk).update(status=status)

    assert tick(now="2026-03-02T09:00:30Z")["sent"] == 0
    assert not MeasureInvitation.objects.exists()
    assert outbox == []


# --- Around sessions ---------------------------------------------------------------------------

NOW = "2026-03-02T12:00:00Z"


@pytest.fixture
def before_sessions(measured_client):
    return MeasureScheduleFactory(
        client=measured_client,
        kind="before_session",
        starts_on=None,
        interval=None,
        interval_unit="",
        hours_before_session=24,
    )


def scheduled(client, starts_at: str, **fields):
    return SessionFactory(
        client=client, status="scheduled", starts_at=at(starts_at), note_format="", **fields
    )


def test_a_session_within_the_hours_gets_one_invitation(
    before_sessions, measured_client, tick, outbox
):
    session = scheduled(measured_client, "2026-03-03T10:00:00Z")  # in 22 hours

    assert tick(now=NOW)["sent"] == 1
    assert tick(now="2026-03-02T12:01:00Z")["sent"] == 0
    assert tick(now="2026-03-03T09:00:00Z")["sent"] == 0

    (invitation,) = MeasureInvitation.objects.all()
    assert (invitation.session_id, invitation.schedule_id) == (session.pk, before_sessions.pk)
    assert len(outbox) == 1


def test_a_session_further_off_waits_for_its_hour(before_sessions, measured_client, tick):
    scheduled(measured_client, "2026-03-04T10:00:00Z")  # in 46 hours

    assert tick(now=NOW)["sent"] == 0
    assert tick(now="2026-03-03T10:00:00Z")["sent"] == 1


@pytest.mark.parametrize("status", ["cancelled", "completed", "no_show"])
def test_sessions_not_scheduled_get_none(status, before_sessions, measured_client, tick, outbox):
    session = scheduled(measured_client, "2026-03-03T10:00:00Z")
    Session.objects.filter(pk=session.pk).update(status=status)

    assert tick(now=NOW)["sent"] == 0
    assert outbox == []


def test_past_sessions_and_other_clients_sessions_get_none(
    before_sessions, measured_client, clinician, tick
):
    scheduled(measured_client, "2026-03-02T11:00:00Z")  # an hour ago
    scheduled(SessionFactory(client__primary_clinician=clinician).client, "2026-03-03T10:00:00Z")

    assert tick(now=NOW)["sent"] == 0


def test_each_session_gets_its_own(before_sessions, measured_client, tick, outbox):
    scheduled(measured_client, "2026-03-02T15:00:00Z")
    scheduled(measured_client, "2026-03-03T08:00:00Z")

    assert tick(now=NOW)["sent"] == 2
    assert MeasureInvitation.objects.values("session").distinct().count() == 2
    assert len(outbox) == 2


@pytest.mark.parametrize("status", ["paused", "stopped"])
def test_a_paused_schedule_sends_none_before_sessions(
    status, before_sessions, measured_client, tick
):
    MeasureSchedule.objects.filter(pk=before_sessions.pk).update(status=status)
    scheduled(measured_client, "2026-03-03T10:00:00Z")

    assert tick(now=NOW)["sent"] == 0


def test_a_new_link_each_invitation(before_sessions, measured_client, tick, outbox):
    scheduled(measured_client, "2026-03-02T15:00:00Z")
    scheduled(measured_client, "2026-03-03T08:00:00Z")

    tick(now=NOW)

    assert len({link_token(message.body) for message in outbox}) == 2
