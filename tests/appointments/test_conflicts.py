"""A clinician is not booked twice at once: a series or a scheduled session over another
scheduled session of theirs is a 409 naming `starts_at` and the session it meets, and nothing is
stored; `allow_double_booking: true` books anyway and marks exactly the overlapping sessions
`double_booked`. Touching end to start, a cancelled session and a colleague's sessions are no
conflict."""

import pytest

from sessions.models import AppointmentSeries, Session
from tests.appointments.conftest import (
    SERIES,
    SESSIONS,
    iso,
    series_body,
    session_body,
    session_url,
    stored_sessions,
    utc,
)
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

# The series of series_body: Mondays 2, 9, 16 and 23 March 2099, 10:00-10:50 UTC.
SECOND_MONDAY = utc(2099, 3, 9, 10)


def assert_conflict_naming(response, *sessions) -> str:
    (error,) = assert_problem(response, 409, "starts_at")["errors"]
    assert (error["field"], error["code"]) == ("starts_at", "conflict")
    for session in sessions:
        assert str(session.pk) in error["message"]
        assert iso(session.starts_at).replace("Z", "+00:00") in error["message"]
    return error["message"]


@pytest.fixture
def booked(scheduled):
    """The clinician's scheduled session on the series' second Monday, 10:30-11:20."""
    return scheduled(utc(2099, 3, 9, 10, 30))


# --- Refused -----------------------------------------------------------------------------------


def test_a_series_over_a_scheduled_session_is_409_naming_it(
    booked, client_record, clinician, as_user
):
    before = stored_sessions()

    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")

    message = assert_conflict_naming(response, booked)
    assert "allow_double_booking" in message
    assert not AppointmentSeries.objects.exists()
    assert stored_sessions() == before


def test_a_series_meeting_two_sessions_names_both(
    booked, scheduled, client_record, clinician, as_user
):
    other = scheduled(utc(2099, 3, 23, 9, 30))

    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")

    assert_conflict_naming(response, booked, other)
    assert Session.objects.count() == 2


def test_a_single_session_over_a_scheduled_one_is_409(booked, client_record, clinician, as_user):
    before = stored_sessions()

    response = as_user(clinician).post(
        SESSIONS, session_body(client_record, iso(SECOND_MONDAY)), format="json"
    )

    assert_conflict_naming(response, booked)
    assert stored_sessions() == before


def test_a_session_inside_a_longer_one_is_409(scheduled, client_record, clinician, as_user):
    long_one = scheduled(utc(2099, 3, 9, 9), duration_minutes=180)

    response = as_user(clinician).post(
        SESSIONS,
        session_body(client_record, iso(SECOND_MONDAY), duration_minutes=10),
        format="json",
    )

    assert_conflict_naming(response, long_one)


def test_a_session_booked_for_a_colleague_meets_their_sessions(
    scheduled, client_record, clinician, care_team_member, as_user
):
    """The conflict is the booked clinician's, not the booking user's."""
    theirs = scheduled(SECOND_MONDAY, clinician=care_team_member)

    response = as_user(clinician).post(
        SESSIONS,
        session_body(client_record, iso(SECOND_MONDAY), clinician=str(care_team_member.pk)),
        format="json",
    )

    assert_conflict_naming(response, theirs)


def test_moving_a_session_onto_another_by_patch_is_409(scheduled, clinician, as_user):
    first = scheduled(utc(2099, 3, 9, 10))
    second = scheduled(utc(2099, 3, 9, 14))
    before = stored_sessions()

    response = as_user(clinician).patch(
        session_url(second), {"starts_at": "2099-03-09T10:20:00Z"}, format="json"
    )

    assert_conflict_naming(response, first)
    assert stored_sessions() == before


def test_reinstating_a_cancelled_session_over_another_is_409(scheduled, clinician, as_user):
    scheduled(utc(2099, 3, 9, 10))
    cancelled = scheduled(
        utc(2099, 3, 9, 10), status="cancelled", cancellation_reason="client_cancelled"
    )
    before = stored_sessions()

    response = as_user(clinician).patch(
        session_url(cancelled), {"status": "scheduled", "cancellation_reason": None}, format="json"
    )

    assert_problem(response, 409, "starts_at")
    assert stored_sessions() == before


# --- No conflict -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "existing",
    [
        utc(2099, 3, 9, 10, 50),  # starts as the new one ends
        utc(2099, 3, 9, 9, 10),  # ends (09:10 + 50 min) as the new one starts
    ],
)
def test_touching_end_to_start_is_no_conflict(
    existing, scheduled, client_record, clinician, as_user
):
    scheduled(existing)

    response = as_user(clinician).post(
        SESSIONS, session_body(client_record, iso(SECOND_MONDAY)), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["double_booked"] is False


def test_a_cancelled_session_is_no_conflict(scheduled, client_record, clinician, as_user):
    scheduled(SECOND_MONDAY, status="cancelled", cancellation_reason="clinician_cancelled")

    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")

    assert response.status_code == 201, response.content
    assert not Session.objects.filter(double_booked=True).exists()


def test_another_clinicians_session_is_no_conflict(
    practice, client_record, clinician, colleague, as_user
):
    SessionFactory(
        client=ClientFactory(primary_clinician=colleague),
        starts_at=SECOND_MONDAY,
        status="scheduled",
    )

    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")

    assert response.status_code == 201, response.content
    assert not Session.objects.filter(double_booked=True).exists()


# --- Booked anyway -----------------------------------------------------------------------------


def test_allow_double_booking_books_and_marks_only_the_overlapping_ones(
    booked, client_record, clinician, as_user
):
    response = as_user(clinician).post(
        SERIES, series_body(client_record, allow_double_booking=True), format="json"
    )

    assert response.status_code == 201, response.content
    assert "allow_double_booking" not in response.json()
    marked = Session.objects.filter(series_id=response.json()["id"], double_booked=True)
    assert [s.starts_at for s in marked] == [SECOND_MONDAY]
    assert Session.objects.filter(series_id=response.json()["id"]).count() == 4
    assert Session.objects.get(pk=booked.pk).double_booked is False  # already there


def test_a_single_session_booked_anyway_says_double_booked(
    booked, client_record, clinician, as_user
):
    response = as_user(clinician).post(
        SESSIONS,
        session_body(client_record, iso(SECOND_MONDAY), allow_double_booking=True),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["double_booked"] is True
    assert Session.objects.get(pk=response.json()["id"]).double_booked is True


def test_moving_a_double_booked_session_clear_is_no_longer_double_booked(
    booked, scheduled, clinician, as_user
):
    overlapping = scheduled(SECOND_MONDAY, double_booked=True)

    response = as_user(clinician).patch(
        session_url(overlapping), {"starts_at": "2099-03-09T15:00:00Z"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["double_booked"] is False


# --- Rescheduling ------------------------------------------------------------------------------


def test_rescheduling_into_a_conflict_is_409_and_moves_nothing(
    booked, scheduled, clinician, as_user
):
    moving = scheduled(utc(2099, 3, 9, 15))
    before = stored_sessions()

    response = as_user(clinician).post(
        session_url(moving, "reschedule"), {"starts_at": "2099-03-09T10:00:00Z"}, format="json"
    )

    assert_conflict_naming(response, booked)
    assert stored_sessions() == before


def test_rescheduling_the_rest_of_a_series_into_a_conflict_is_409(
    scheduled, client_record, clinician, as_user
):
    api = as_user(clinician)
    series = api.post(SERIES, series_body(client_record), format="json").json()
    in_the_way = scheduled(utc(2099, 3, 24, 10))  # the Tuesday after the last Monday
    before = stored_sessions()

    response = api.post(
        session_url(series["sessions"][1], "reschedule"),
        {"starts_at": "2099-03-10T10:00:00Z", "following": True},
        format="json",
    )

    assert_conflict_naming(response, in_the_way)
    assert stored_sessions() == before


def test_rescheduling_into_a_conflict_with_override_is_recorded(
    booked, scheduled, clinician, as_user
):
    moving = scheduled(utc(2099, 3, 9, 15))

    response = as_user(clinician).post(
        session_url(moving, "reschedule"),
        {"starts_at": "2099-03-09T10:00:00Z", "allow_double_booking": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    (moved,) = response.json()
    assert (moved["id"], moved["double_booked"]) == (str(moving.pk), True)
    stored = Session.objects.get(pk=moving.pk)
    assert (stored.starts_at, stored.double_booked) == (utc(2099, 3, 9, 10), True)


def test_rescheduling_within_its_own_slot_is_no_conflict_with_itself(scheduled, clinician, as_user):
    moving = scheduled(utc(2099, 3, 9, 10))

    response = as_user(clinician).post(
        session_url(moving, "reschedule"), {"starts_at": "2099-03-09T10:15:00Z"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()[0]["double_booked"] is False
