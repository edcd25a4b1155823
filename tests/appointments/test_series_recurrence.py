"""A series falls at the same local wall-clock time on the practice's calendar, every
`interval_weeks` weeks, whatever daylight saving does to the offset: a weekly 10:00 in London
is 10:00 UTC in winter and 09:00 UTC in summer. It ends after `count` appointments or on
`ends_on` (a local date, included)."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from sessions.models import Session
from tests.appointments.conftest import SERIES, series_body, utc
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def book(api, client, **fields) -> dict:
    response = api.post(SERIES, series_body(client, **fields), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def starts_of(series: dict) -> list:
    """The starts of the series' sessions, in the order the series lists them."""
    stored = Session.objects.filter(series_id=series["id"]).values_list("id", "starts_at")
    by_id = {str(pk): starts_at for pk, starts_at in stored}
    assert set(by_id) == set(series["sessions"])
    return [by_id[pk] for pk in series["sessions"]]


def local_times(starts, zone: str) -> set:
    return {start.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") for start in starts}


# Spring: London moves to summer time on Sunday 29 March 2099, New York on Sunday 8 March.
# Autumn: London back to winter time on Sunday 25 October 2099, New York on Sunday 1 November.
DST_CASES = {
    "london_spring": (
        LONDON,
        "2099-03-16T10:00:00Z",
        [utc(2099, 3, 16, 10), utc(2099, 3, 23, 10), utc(2099, 3, 30, 9), utc(2099, 4, 6, 9)],
    ),
    "london_autumn": (
        LONDON,
        "2099-10-12T09:00:00Z",
        [utc(2099, 10, 12, 9), utc(2099, 10, 19, 9), utc(2099, 10, 26, 10), utc(2099, 11, 2, 10)],
    ),
    "new_york_spring": (
        NEW_YORK,
        "2099-02-23T15:00:00Z",
        [utc(2099, 2, 23, 15), utc(2099, 3, 2, 15), utc(2099, 3, 9, 14), utc(2099, 3, 16, 14)],
    ),
    "new_york_autumn": (
        NEW_YORK,
        "2099-10-19T14:00:00Z",
        [utc(2099, 10, 19, 14), utc(2099, 10, 26, 14), utc(2099, 11, 2, 15), utc(2099, 11, 9, 15)],
    ),
}


@pytest.mark.parametrize("case", list(DST_CASES))
def test_a_weekly_series_stays_at_10_local_across_a_daylight_saving_change(
    case, in_zone, client_record, clinician, as_user
):
    zone, first, expected = DST_CASES[case]
    in_zone(zone)

    series = book(as_user(clinician), client_record, starts_at=first)

    starts = starts_of(series)
    assert starts == expected
    assert local_times(starts, zone) == {"Mon 10:00"}
    assert len({start.hour for start in starts}) == 2  # the UTC hour did change


def test_a_practice_in_utc_keeps_the_utc_time(client_record, clinician, as_user):
    series = book(as_user(clinician), client_record, starts_at="2099-03-16T10:00:00Z")

    assert starts_of(series) == [utc(2099, 3, d, 10) for d in (16, 23, 30)] + [utc(2099, 4, 6, 10)]


def test_every_two_weeks_across_the_change(in_zone, client_record, clinician, as_user):
    in_zone(LONDON)

    series = book(
        as_user(clinician), client_record, starts_at="2099-03-16T10:00:00Z", interval_weeks=2
    )

    assert series["interval_weeks"] == 2
    assert starts_of(series) == [
        utc(2099, 3, 16, 10),
        utc(2099, 3, 30, 9),
        utc(2099, 4, 13, 9),
        utc(2099, 4, 27, 9),
    ]


def test_count_is_the_number_of_appointments(client_record, clinician, as_user):
    series = book(as_user(clinician), client_record, count=7)

    assert (series["count"], series["ends_on"]) == (7, None)
    assert len(series["sessions"]) == 7
    assert Session.objects.filter(series_id=series["id"]).count() == 7


def test_ends_on_is_a_local_date_and_included(in_zone, client_record, clinician, as_user):
    """Monday 21:00 in New York is already Tuesday in UTC: the last Monday still counts."""
    in_zone(NEW_YORK)

    series = book(
        as_user(clinician),
        client_record,
        starts_at="2099-04-07T01:00:00Z",  # Monday 6 April, 21:00 EDT
        count=None,
        ends_on="2099-04-20",
    )

    assert (series["count"], series["ends_on"]) == (None, "2099-04-20")
    starts = starts_of(series)
    assert [s.astimezone(ZoneInfo(NEW_YORK)).date() for s in starts] == [
        date(2099, 4, 6),
        date(2099, 4, 13),
        date(2099, 4, 20),
    ]
    assert starts[-1] == utc(2099, 4, 21, 1)


def test_a_series_ending_on_its_first_day_has_one_appointment(client_record, clinician, as_user):
    series = book(as_user(clinician), client_record, count=None, ends_on="2099-03-02")

    assert starts_of(series) == [utc(2099, 3, 2, 10)]


def test_an_ends_on_past_the_104th_appointment_is_refused(client_record, clinician, as_user):
    api = as_user(clinician)

    body = series_body(client_record, count=None, ends_on="2101-02-28")  # the 105th's day
    refused = api.post(SERIES, body, format="json")
    last = book(api, client_record, count=None, ends_on="2101-02-27")

    assert_problem(refused, 400, "ends_on")
    assert len(starts_of(last)) == 104
    assert starts_of(last)[-1] == utc(2101, 2, 21, 10)  # 103 weeks after the first


def test_each_appointment_is_a_scheduled_session_as_booked(client_record, clinician, as_user):
    series = book(as_user(clinician), client_record, duration_minutes=45, modality="phone")

    sessions = Session.objects.filter(series_id=series["id"])
    assert {
        (s.client_id, s.clinician_id, s.status, s.duration_minutes, s.modality, s.kind)
        for s in sessions
    } == {(client_record.pk, clinician.pk, "scheduled", 45, "phone", "individual")}
    assert not any(s.double_booked or s.cancellation_reason for s in sessions)
    assert series["clinician"] == str(clinician.pk)
    assert series["created_by"] == str(clinician.pk)
    assert series["starts_at"] == "2099-03-02T10:00:00Z"
