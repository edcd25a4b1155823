"""Rescheduling moves a scheduled session, or with `following` it and the later scheduled
appointments of its series by the same step on the practice's wall clock (across daylight
saving, a Monday 10:00 moved to Tuesday 11:00 makes every later one Tuesday 11:00 local);
earlier and cancelled ones stay. Only the session's clinician reschedules, only a scheduled
session (409 otherwise)."""

from zoneinfo import ZoneInfo

import pytest

from sessions.models import Session
from tests.appointments.conftest import SERIES, series_body, session_url, stored_sessions, utc
from tests.helpers import as_each, assert_problem

pytestmark = pytest.mark.django_db

LONDON = "Europe/London"


@pytest.fixture
def london_series(in_zone, client_record, clinician, as_user):
    """Mondays 16, 23, 30 March and 6 April 2099 at 10:00 London (summer time from the 29th):
    the series' sessions, soonest first."""
    in_zone(LONDON)
    body = series_body(client_record, starts_at="2099-03-16T10:00:00Z")
    response = as_user(clinician).post(SERIES, body, format="json")
    assert response.status_code == 201, response.content
    return [Session.objects.get(pk=pk) for pk in response.json()["sessions"]]


def reschedule(api, session, **body):
    return api.post(session_url(session, "reschedule"), body, format="json")


def starts(sessions) -> list:
    return [Session.objects.get(pk=s.pk).starts_at for s in sessions]


def test_rescheduling_one_moves_only_it(london_series, clinician, as_user):
    second = london_series[1]

    response = reschedule(as_user(clinician), second, starts_at="2099-03-24T11:00:00Z")

    assert response.status_code == 200, response.content
    (moved,) = response.json()
    assert (moved["id"], moved["starts_at"]) == (str(second.pk), "2099-03-24T11:00:00Z")
    assert moved["client_name"]
    assert starts(london_series) == [
        utc(2099, 3, 16, 10),
        utc(2099, 3, 24, 11),
        utc(2099, 3, 30, 9),
        utc(2099, 4, 6, 9),
    ]


def test_rescheduling_the_following_keeps_their_local_time_across_the_change(
    london_series, clinician, as_user
):
    """Monday 23 March 10:00 GMT to Tuesday 24 March 11:00 GMT: a day and an hour later on the
    wall clock, so the summer-time ones become Tuesdays 11:00 BST (10:00 UTC)."""
    _, second, third, fourth = london_series

    response = reschedule(
        as_user(clinician), second, starts_at="2099-03-24T11:00:00Z", following=True
    )

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()] == [str(s.pk) for s in (second, third, fourth)]
    assert starts(london_series) == [
        utc(2099, 3, 16, 10),  # earlier: untouched
        utc(2099, 3, 24, 11),
        utc(2099, 3, 31, 10),
        utc(2099, 4, 7, 10),
    ]
    local = {s.astimezone(ZoneInfo(LONDON)).strftime("%a %H:%M") for s in starts(london_series)[1:]}
    assert local == {"Tue 11:00"}


def test_following_leaves_cancelled_appointments_where_they_were(london_series, clinician, as_user):
    _, second, third, fourth = london_series
    api = as_user(clinician)
    assert (
        api.post(session_url(third, "cancel"), {"reason": "other"}, format="json").status_code
        == 200
    )

    response = reschedule(api, second, starts_at="2099-03-23T14:00:00Z", following=True)

    assert [row["id"] for row in response.json()] == [str(second.pk), str(fourth.pk)]
    assert starts(london_series) == [
        utc(2099, 3, 16, 10),
        utc(2099, 3, 23, 14),
        utc(2099, 3, 30, 9),  # cancelled: stays
        utc(2099, 4, 6, 13),
    ]


def test_following_with_a_new_duration_changes_each_moved_one(london_series, clinician, as_user):
    third = london_series[2]

    reschedule(
        as_user(clinician),
        third,
        starts_at="2099-03-30T09:00:00Z",
        duration_minutes=80,
        following=True,
    )

    durations = [Session.objects.get(pk=s.pk).duration_minutes for s in london_series]
    assert durations == [50, 50, 80, 80]


def test_following_checks_each_moved_appointment_over_its_own_length(
    london_series, scheduled, clinician, as_user
):
    """The third appointment was lengthened to two hours on its own; moving the rest of the
    series a day later meets a session an hour into its new slot."""
    second, third = london_series[1:3]
    api = as_user(clinician)
    lengthened = reschedule(api, third, starts_at="2099-03-30T09:00:00Z", duration_minutes=120)
    assert lengthened.status_code == 200, lengthened.content
    in_the_way = scheduled(utc(2099, 3, 31, 10))  # Tuesday 11:00 BST, an hour into the third
    before = stored_sessions()

    response = reschedule(api, second, starts_at="2099-03-24T10:00:00Z", following=True)

    (error,) = assert_problem(response, 409, "starts_at")["errors"]
    assert str(in_the_way.pk) in error["message"]
    assert stored_sessions() == before


def test_following_on_a_session_of_no_series_moves_just_it(scheduled, clinician, as_user):
    alone = scheduled(utc(2099, 5, 4, 10))
    later = scheduled(utc(2099, 5, 11, 10))

    response = reschedule(
        as_user(clinician), alone, starts_at="2099-05-05T10:00:00Z", following=True
    )

    assert [row["id"] for row in response.json()] == [str(alone.pk)]
    assert starts([alone, later]) == [utc(2099, 5, 5, 10), utc(2099, 5, 11, 10)]


@pytest.mark.parametrize(
    "status",
    [{"status": "completed"}, {"status": "cancelled", "cancellation_reason": "other"}],
    ids=["completed", "cancelled"],
)
def test_only_a_scheduled_session_is_rescheduled(status, scheduled, clinician, as_user):
    session = scheduled(utc(2020, 5, 4, 10), **status)
    before = stored_sessions()

    response = reschedule(as_user(clinician), session, starts_at="2099-05-05T10:00:00Z")

    (error,) = assert_problem(response, 409, "status")["errors"]
    assert "only a scheduled one can be rescheduled" in error["message"]
    assert stored_sessions() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "starts_at"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"starts_at": "9999-12-31T00:00:00Z"}, "starts_at"),
        ({"starts_at": "2099-05-05T10:00:00Z", "duration_minutes": 0}, "duration_minutes"),
        ({"starts_at": "2099-05-05T10:00:00Z", "duration_minutes": 601}, "duration_minutes"),
        ({"starts_at": "2099-05-05T10:00:00Z", "following": "perhaps"}, "following"),
    ],
)
def test_bad_input_is_400_naming_the_field(body, field, scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    before = stored_sessions()

    response = reschedule(as_user(clinician), session, **body)

    assert_problem(response, 400, field)
    assert stored_sessions() == before


@as_each("care_team_member", "supervisor")
def test_someone_who_reads_it_but_did_not_hold_it_is_refused_403(person, london_series, as_user):
    before = stored_sessions()

    response = reschedule(as_user(person), london_series[0], starts_at="2099-03-17T10:00:00Z")

    assert assert_problem(response, 403)["type"] == "urn:rootwise:problem:permission-denied"
    assert stored_sessions() == before


@as_each("colleague", "other_supervisor", "admin", "outsider", "stranger")
def test_anyone_else_gets_404_as_for_a_missing_session(person, london_series, as_user):
    api = as_user(person)
    before = stored_sessions()

    response = reschedule(api, london_series[0], starts_at="2099-03-17T10:00:00Z")

    missing = reschedule(
        api, "00000000-0000-4000-8000-000000000000", starts_at="2099-03-17T10:00:00Z"
    )
    assert_problem(response, 404)
    assert response.json() == missing.json()
    assert stored_sessions() == before
