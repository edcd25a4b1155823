"""The caseload's reasons on the work queue: open risk flags, overdue homework, and clients due
for reassessment (an instrument not taken again in time, or a measure schedule's invitation
left unanswered), on the practice's calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from assessments.services import assessment_void, risk_flag_acknowledge
from clients.models import ClientStatus
from tests.factories import (
    AssessmentFactory,
    ClientFactory,
    HomeworkFactory,
    MeasureInvitationFactory,
    MeasureScheduleFactory,
)
from tests.work_queue.conftest import NEW_YORK_EVENING, NOW, iso, queue, records

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
QUIET = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # a PHQ-9 that raises no risk flag
AT_RISK = [1] * 9  # item 9 above 0: a risk flag


def midnight(day: date, zone=UTC) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def taken(client, days_ago: int, instrument="phq9", responses=None):
    responses = responses or {"phq9": QUIET, "gad7": [1] * 7}[instrument]
    return AssessmentFactory(
        client=client,
        instrument=instrument,
        responses=responses,
        administered_on=TODAY - timedelta(days=days_ago),
    )


def discharge(client):
    type(client).objects.filter(pk=client.pk).update(
        status=ClientStatus.DISCHARGED, discharged_on=TODAY
    )


# Reassessment after an administration ---------------------------------------------------------


def test_an_instrument_not_taken_again_within_the_practice_days_is_due(
    frozen, client_record, clinician, as_user
):
    latest = taken(client_record, 28)  # the practice's default: 28 days

    (item,) = queue(as_user(clinician), "reassessment_due")

    assert item == {
        "reason": "reassessment_due",
        "record": {"type": "assessment", "id": str(latest.pk)},
        "client": {
            "id": str(client_record.pk),
            "display_name": f"{client_record.given_name} {client_record.family_name}",
        },
        "due": iso(midnight(TODAY)),
        "link": f"/api/v1/assessments/{latest.pk}/",
        "instruments": ["phq9"],
    }


def test_an_instrument_taken_within_the_days_is_not_due(frozen, client_record, clinician, as_user):
    taken(client_record, 27)
    taken(client_record, 60, "gad7")
    taken(client_record, 10, "gad7")  # taken again since

    assert queue(as_user(clinician), "reassessment_due") == []


def test_each_instrument_is_due_on_its_own(frozen, client_record, clinician, as_user):
    phq9 = taken(client_record, 40)
    gad7 = taken(client_record, 30, "gad7")
    taken(client_record, 5, "phq9")  # the PHQ-9 again: only the GAD-7 is due

    assert records(as_user(clinician), "reassessment_due") == [str(gad7.pk)]
    assert str(phq9.pk) not in records(as_user(clinician), "reassessment_due")


def test_the_practice_decides_the_days(frozen, practice, client_record, clinician, as_user):
    latest = taken(client_record, 10)
    api = as_user(clinician)
    assert records(api, "reassessment_due") == []

    practice.reassessment_days = 10
    practice.save()

    assert records(api, "reassessment_due") == [str(latest.pk)]


def test_a_void_administration_does_not_count(frozen, client_record, clinician, as_user):
    earlier = taken(client_record, 40)
    mistaken = taken(client_record, 3)
    assessment_void(assessment=mistaken, by=clinician, reason="Recorded for the wrong client.")

    assert records(as_user(clinician), "reassessment_due") == [str(earlier.pk)]


def test_reassessment_falls_due_on_the_practice_calendar(
    new_york, client_record, clinician, as_user
):
    """In New York it is still Tuesday the 10th: 28 days after 10 February, not 11 February."""
    with freeze_time(NEW_YORK_EVENING):
        due = AssessmentFactory(client=client_record, administered_on=date(2026, 2, 10))
        AssessmentFactory(  # due from the 11th in UTC, not yet in New York
            client=client_record,
            instrument="gad7",
            responses=[1] * 7,
            administered_on=date(2026, 2, 11),
        )
        items = queue(as_user(clinician), "reassessment_due")

    assert [item["record"]["id"] for item in items] == [str(due.pk)]
    assert items[0]["due"] == "2026-03-10T04:00:00Z"  # midnight of the 10th in New York


def test_discharged_clients_are_not_due(frozen, client_record, clinician, as_user):
    taken(client_record, 40)
    discharge(client_record)

    assert queue(as_user(clinician), "reassessment_due") == []


# Reassessment from a measure schedule ---------------------------------------------------------


def invitation(schedule, status, expires_at, created_at):
    sent = MeasureInvitationFactory(
        client=schedule.client, schedule=schedule, status=status, expires_at=expires_at
    )
    type(sent).objects.filter(pk=sent.pk).update(created_at=created_at)
    return sent


def test_a_schedule_whose_latest_invitation_expired_unanswered_is_due(
    frozen, client_record, clinician, as_user
):
    schedule = MeasureScheduleFactory(client=client_record, instruments=["phq9", "gad7"])
    invitation(schedule, "completed", NOW - timedelta(days=20), NOW - timedelta(days=27))
    expired = invitation(schedule, "expired", NOW - timedelta(days=6), NOW - timedelta(days=13))

    (item,) = queue(as_user(clinician), "reassessment_due")

    assert item["record"] == {"type": "measure_schedule", "id": str(schedule.pk)}
    assert item["link"] == f"/api/v1/measure-schedules/{schedule.pk}/"
    assert item["due"] == iso(expired.expires_at)
    assert item["instruments"] == ["phq9", "gad7"]


def test_an_invitation_past_its_expiry_counts_before_it_is_marked_expired(
    frozen, client_record, clinician, as_user
):
    schedule = MeasureScheduleFactory(client=client_record)
    invitation(schedule, "sent", NOW - timedelta(minutes=1), NOW - timedelta(days=7))

    assert records(as_user(clinician), "reassessment_due") == [str(schedule.pk)]


def test_a_schedule_answered_since_or_still_open_is_not_due(
    frozen, client_record, clinician, as_user
):
    answered = MeasureScheduleFactory(client=client_record)
    invitation(answered, "expired", NOW - timedelta(days=20), NOW - timedelta(days=27))
    invitation(answered, "completed", NOW - timedelta(days=6), NOW - timedelta(days=13))
    still_open = MeasureScheduleFactory(client=client_record)
    invitation(still_open, "sent", NOW + timedelta(days=1), NOW - timedelta(days=6))
    MeasureScheduleFactory(client=client_record)  # nothing sent yet

    assert queue(as_user(clinician), "reassessment_due") == []


def test_a_paused_or_stopped_schedule_is_not_due(frozen, client_record, clinician, as_user):
    for status in ("paused", "stopped"):
        schedule = MeasureScheduleFactory(client=client_record, status=status)
        invitation(schedule, "expired", NOW - timedelta(days=1), NOW - timedelta(days=8))

    assert queue(as_user(clinician), "reassessment_due") == []


# Risk flags -----------------------------------------------------------------------------------


def test_open_risk_flags_are_listed_oldest_first(frozen, client_record, mine, clinician, as_user):
    middle = taken(client_record, 5, responses=AT_RISK).risk_flags.get()
    newest = taken(mine, 1, responses=AT_RISK).risk_flags.get()
    oldest = taken(mine, 9, responses=AT_RISK).risk_flags.get()
    closed = taken(client_record, 20, responses=AT_RISK).risk_flags.get()
    risk_flag_acknowledge(flag=closed, by=clinician, note="Safety plan agreed.")

    items = queue(as_user(clinician), "risk_flag_open")

    assert [item["record"]["id"] for item in items] == [str(f.pk) for f in (oldest, middle, newest)]
    assert items[0] == {
        "reason": "risk_flag_open",
        "record": {"type": "risk_flag", "id": str(oldest.pk)},
        "client": {"id": str(mine.pk), "display_name": "Tess Ahn"},
        "due": iso(midnight(oldest.raised_on)),
        "link": f"/api/v1/risk-flags/{oldest.pk}/",
        "instruments": [],
    }


def test_risk_flags_of_discharged_clients_stay_until_acknowledged(
    frozen, client_record, clinician, as_user
):
    flag = taken(client_record, 3, responses=AT_RISK).risk_flags.get()
    discharge(client_record)

    assert records(as_user(clinician), "risk_flag_open") == [str(flag.pk)]


def test_the_preferred_name_is_shown_when_the_client_has_one(frozen, clinician, as_user):
    client = ClientFactory(
        primary_clinician=clinician,
        given_name="Margaret",
        preferred_name="Meg",
        family_name="Oduya",
    )
    taken(client, 1, responses=AT_RISK)

    (item,) = queue(as_user(clinician), "risk_flag_open")

    assert item["client"] == {"id": str(client.pk), "display_name": "Meg Oduya"}


# Homework -------------------------------------------------------------------------------------


def homework(client, due_on, **fields):
    return HomeworkFactory(client=client, assigned_on=date(2026, 2, 1), due_on=due_on, **fields)


def test_homework_still_assigned_after_its_due_date_is_overdue(
    frozen, client_record, clinician, as_user
):
    late = homework(client_record, TODAY - timedelta(days=1))
    later = homework(client_record, TODAY - timedelta(days=3))
    homework(client_record, TODAY)  # due today: not overdue yet
    homework(client_record, None)  # no due date
    homework(client_record, TODAY - timedelta(days=2), status="completed")
    homework(client_record, TODAY - timedelta(days=2), status="not_completed")

    items = queue(as_user(clinician), "homework_overdue")

    assert [item["record"]["id"] for item in items] == [str(later.pk), str(late.pk)]
    assert items[1]["due"] == iso(midnight(TODAY))  # overdue from the day after its due date
    assert items[1]["link"] == f"/api/v1/homework/{late.pk}/"
    assert items[1]["record"]["type"] == "homework"


def test_homework_is_overdue_on_the_practice_calendar(new_york, client_record, clinician, as_user):
    with freeze_time(NEW_YORK_EVENING):  # Tuesday 10 March in New York
        overdue = homework(client_record, date(2026, 3, 9))
        homework(client_record, date(2026, 3, 10))  # due today in New York, overdue in UTC
        items = queue(as_user(clinician), "homework_overdue")

    assert [item["record"]["id"] for item in items] == [str(overdue.pk)]
    assert items[0]["due"] == "2026-03-10T04:00:00Z"


def test_homework_of_discharged_clients_is_not_listed(frozen, client_record, clinician, as_user):
    homework(client_record, TODAY - timedelta(days=3))
    discharge(client_record)

    assert queue(as_user(clinician), "homework_overdue") == []


def test_the_care_team_shares_the_clients_items_but_not_the_supervisor(
    frozen, client_record, clinician, care_team_member, supervisor, as_user
):
    flag = taken(client_record, 30, responses=AT_RISK).risk_flags.get()
    late = homework(client_record, TODAY - timedelta(days=1))

    for person in (clinician, care_team_member):
        api = as_user(person)
        assert records(api, "risk_flag_open") == [str(flag.pk)]
        assert records(api, "homework_overdue") == [str(late.pk)]
        assert records(api, "reassessment_due") == [str(flag.assessment_id)]
    # The supervisor reads the client's records, but the client is not on their caseload.
    assert queue(as_user(supervisor)) == []
