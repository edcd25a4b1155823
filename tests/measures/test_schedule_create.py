"""Creating a measure schedule: each kind, its first date at 09:00 on the practice's calendar,
and every way a body can be wrong (a 400 naming the field, nothing stored)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from api.auth.models import Practice
from assessments.measures.models import MeasureSchedule
from clients.models import Client
from tests.helpers import assert_problem, error_fields
from tests.measures.conftest import SCHEDULES

pytestmark = pytest.mark.django_db

# A Tuesday in winter in New York (UTC-5); the clocks go forward on Sunday 8 March 2026.
TODAY = date(2026, 3, 3)
EARLY_MORNING = "2026-03-03T11:00:00Z"  # 06:00 in New York


@pytest.fixture
def in_new_york(practice):
    Practice.objects.filter(pk=practice.pk).update(time_zone="America/New_York")
    practice.refresh_from_db()
    return practice


def create(api, body):
    return api.post(SCHEDULES, body, format="json")


@freeze_time(EARLY_MORNING)
def test_once_is_due_at_nine_on_its_date_on_the_practice_calendar(
    in_new_york, clinician, as_user, schedule_body, measured_client
):
    body = schedule_body(kind="once", starts_on="2026-03-10", interval=..., interval_unit=...)

    response = create(as_user(clinician), body)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["next_due_at"] == "2026-03-10T13:00:00Z"  # 09:00 EDT
    assert (created["status"], created["sends"], created["kind"]) == ("active", 0, "once")
    assert created["created_by"] == str(clinician.pk)
    stored = MeasureSchedule.objects.get(pk=created["id"])
    assert stored.client_id == measured_client.pk
    assert stored.practice_id == measured_client.practice_id
    assert stored.instruments == ["phq9"]


@freeze_time(EARLY_MORNING)
def test_every_from_today_is_due_at_nine_today(in_new_york, clinician, as_user, schedule_body):
    body = schedule_body(starts_on=TODAY.isoformat(), interval=2, interval_unit="days", max_sends=3)

    response = create(as_user(clinician), body)

    assert response.status_code == 201, response.content
    assert response.json()["next_due_at"] == "2026-03-03T14:00:00Z"  # 09:00 EST
    assert response.json()["max_sends"] == 3


@freeze_time(EARLY_MORNING)
def test_every_weeks_with_an_end_date(in_new_york, clinician, as_user, schedule_body):
    body = schedule_body(
        instruments=["gad7", "phq9"],
        starts_on="2026-03-05",
        interval=1,
        interval_unit="weeks",
        ends_on="2026-04-30",
        reminder_after_days=2,
        expires_after_days=5,
    )

    response = create(as_user(clinician), body)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["next_due_at"] == "2026-03-05T14:00:00Z"
    assert created["instruments"] == ["gad7", "phq9"]  # in the order given
    assert (created["ends_on"], created["reminder_after_days"], created["expires_after_days"]) == (
        "2026-04-30",
        2,
        5,
    )


def test_before_session_has_no_next_date(clinician, as_user, schedule_body):
    body = schedule_body(
        kind="before_session",
        starts_on=...,
        interval=...,
        interval_unit=...,
        hours_before_session=48,
        channel="sms",
    )

    response = create(as_user(clinician), body)

    assert response.status_code == 201, response.content
    assert response.json()["next_due_at"] is None
    assert response.json()["hours_before_session"] == 48
    assert response.json()["channel"] == "sms"


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


REFUSED = {
    "every without an interval": ({"interval": ...}, "interval"),
    "every without a unit": ({"interval_unit": ...}, "interval_unit"),
    "every without a first date": ({"starts_on": ...}, "starts_on"),
    "once without a date": (
        {"kind": "once", "starts_on": ..., "interval": ..., "interval_unit": ...},
        "starts_on",
    ),
    "before a session without hours": (
        {"kind": "before_session", "starts_on": ..., "interval": ..., "interval_unit": ...},
        "hours_before_session",
    ),
    "once with an interval": ({"kind": "once", "interval_unit": ...}, "interval"),
    "once with an end date": (
        {"kind": "once", "interval": ..., "interval_unit": ..., "ends_on": in_days(30)},
        "ends_on",
    ),
    "before a session with a first date": (
        {
            "kind": "before_session",
            "interval": ...,
            "interval_unit": ...,
            "hours_before_session": 24,
        },
        "starts_on",
    ),
    "every with hours before a session": ({"hours_before_session": 24}, "hours_before_session"),
    "once in the past": (
        {"kind": "once", "starts_on": yesterday(), "interval": ..., "interval_unit": ...},
        "starts_on",
    ),
    "ending before it starts": ({"starts_on": in_days(10), "ends_on": in_days(9)}, "ends_on"),
    "an unknown instrument": ({"instruments": ["phq9", "bdi2"]}, "instruments"),
    "an instrument twice": ({"instruments": ["phq9", "gad7", "phq9"]}, "instruments"),
    "no instrument": ({"instruments": []}, "instruments"),
    "an unknown kind": ({"kind": "monthly"}, "kind"),
    "an unknown unit": ({"interval_unit": "months"}, "interval_unit"),
    "an interval of 0": ({"interval": 0}, "interval"),
    "max_sends of 0": ({"max_sends": 0}, "max_sends"),
    "a reminder after 0 days": ({"reminder_after_days": 0}, "reminder_after_days"),
    "a reminder after 31 days": ({"reminder_after_days": 31}, "reminder_after_days"),
    "expiry after 0 days": ({"expires_after_days": 0}, "expires_after_days"),
    "expiry after 31 days": ({"expires_after_days": 31}, "expires_after_days"),
    "an unknown channel": ({"channel": "pigeon"}, "channel"),
}


@pytest.mark.parametrize(("overrides", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_a_wrong_body_is_400_naming_the_field_and_stores_nothing(
    overrides, field, clinician, as_user, schedule_body
):
    response = create(as_user(clinician), schedule_body(**overrides))

    assert_problem(response, 400)
    assert {name.split(".")[0] for name in error_fields(response)} == {field}
    assert not MeasureSchedule.objects.exists()


@pytest.mark.parametrize(
    ("channel", "cleared"), [("email", "email"), ("sms", "phone")], ids=["email", "sms"]
)
def test_a_client_without_the_channels_address_is_409_naming_channel(
    channel, cleared, clinician, as_user, schedule_body, measured_client
):
    Client.objects.filter(pk=measured_client.pk).update(**{cleared: ""})

    response = create(as_user(clinician), schedule_body(channel=channel))

    assert_problem(response, 409, "channel")
    assert error_fields(response) == ["channel"]
    assert not MeasureSchedule.objects.exists()


def test_the_past_is_the_practice_calendars(practice, clinician, as_user, schedule_body):
    """Just after midnight in Auckland it is already 4 March there, 3 March on UTC: the 3rd
    has passed, the 4th is today."""
    Practice.objects.filter(pk=practice.pk).update(time_zone="Pacific/Auckland")
    practice.refresh_from_db()
    clinician.practice.refresh_from_db()
    api = as_user(clinician)
    with freeze_time("2026-03-03T12:30:00Z"):  # 01:30 on 4 March in Auckland
        passed = create(
            api, schedule_body(kind="once", starts_on="2026-03-03", interval=..., interval_unit=...)
        )
        today = create(
            api, schedule_body(kind="once", starts_on="2026-03-04", interval=..., interval_unit=...)
        )

    assert_problem(passed, 400, "starts_on")
    assert today.status_code == 201, today.content
    assert today.json()["next_due_at"] == "2026-03-03T20:00:00Z"  # 09:00 NZDT
