"""The calendar's view, `/appointments/`: sessions from `start` (included) to `end` (excluded),
soonest first, with the client's name and no clinical content; by default today on the
practice's calendar and the six days after. At most 42 days at once. Yours unless `clinician`
or `client` says whose, among the clients you may see."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from tests.appointments.conftest import APPOINTMENTS, utc
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

APPOINTMENT_FIELDS = {
    "id",
    "client",
    "client_name",
    "clinician",
    "starts_at",
    "ends_at",
    "duration_minutes",
    "modality",
    "kind",
    "status",
    "series",
    "cancellation_reason",
    "double_booked",
}
WEEK_OF_MAY = {"start": "2099-05-04T00:00:00Z", "end": "2099-05-11T00:00:00Z"}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_range_includes_its_start_and_excludes_its_end(scheduled, clinician, as_user):
    before = scheduled(utc(2099, 5, 3, 23, 59))
    at_start = scheduled(utc(2099, 5, 4, 0, 0))
    last = scheduled(utc(2099, 5, 10, 23, 59))
    scheduled(utc(2099, 5, 11, 0, 0))

    listed = ids(as_user(clinician).get(APPOINTMENTS, WEEK_OF_MAY))

    assert listed == [str(at_start.pk), str(last.pk)]
    assert str(before.pk) not in listed


def test_soonest_first_whatever_the_status(scheduled, clinician, as_user):
    third = scheduled(utc(2099, 5, 6, 9))
    first = scheduled(utc(2099, 5, 4, 9), status="cancelled", cancellation_reason="other")
    second = scheduled(utc(2099, 5, 5, 9))

    listed = ids(as_user(clinician).get(APPOINTMENTS, WEEK_OF_MAY))

    assert listed == [str(first.pk), str(second.pk), str(third.pk)]


def test_a_row_is_what_a_calendar_shows_and_nothing_clinical(
    scheduled, client_record, clinician, as_user
):
    session = scheduled(utc(2099, 5, 4, 9), note_format="narrative", note_sections={"text": "x"})
    session.roots.create(practice=session.practice, root="perfectionism")

    response = as_user(clinician).get(APPOINTMENTS, WEEK_OF_MAY)

    (row,) = response.json()["results"]
    assert set(row) == APPOINTMENT_FIELDS
    assert row["client_name"] == client_record.display_name
    assert (row["status"], row["cancellation_reason"]) == ("scheduled", None)
    assert (row["starts_at"], row["ends_at"]) == ("2099-05-04T09:00:00Z", "2099-05-04T09:50:00Z")
    assert b"perfectionism" not in response.content
    assert b"risk_level" not in response.content


def test_the_default_range_is_today_on_the_practices_calendar_and_six_more_days(
    in_zone, scheduled, clinician, as_user
):
    """At 02:00 UTC on 10 June it is still 9 June in New York: the week runs from 9 June
    00:00 EDT (04:00 UTC) to 16 June 00:00 EDT."""
    in_zone("America/New_York")
    scheduled(utc(2099, 6, 9, 3, 59))
    first = scheduled(utc(2099, 6, 9, 4, 0))
    last = scheduled(utc(2099, 6, 16, 3, 59))
    scheduled(utc(2099, 6, 16, 4, 0))

    with freeze_time("2099-06-10T02:00:00Z"):
        listed = ids(as_user(clinician).get(APPOINTMENTS))

    assert listed == [str(first.pk), str(last.pk)]


def test_a_start_alone_runs_a_week(scheduled, clinician, as_user):
    scheduled(utc(2099, 5, 4, 9))
    inside = scheduled(utc(2099, 5, 11, 9))
    scheduled(utc(2099, 5, 11, 9, 0, 1))

    listed = ids(as_user(clinician).get(APPOINTMENTS, {"start": "2099-05-04T09:00:01Z"}))

    assert listed == [str(inside.pk)]


def test_42_days_is_the_longest_range(scheduled, clinician, as_user):
    last = scheduled(utc(2099, 6, 14, 23))

    listed = ids(
        as_user(clinician).get(
            APPOINTMENTS, {"start": "2099-05-04T00:00:00Z", "end": "2099-06-15T00:00:00Z"}
        )
    )

    assert listed == [str(last.pk)]


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2099-05-04T00:00:00Z", "end": "2099-06-15T00:00:01Z"},  # 42 days and a second
        {"start": "2099-05-04T00:00:00Z", "end": "2100-05-04T00:00:00Z"},
        {"start": "2099-05-04T00:00:00Z", "end": "2099-05-03T00:00:00Z"},  # ends before it starts
        {"start": "2099-05-04T00:00:00Z", "end": "2099-05-04T00:00:00Z"},  # empty
        {"end": "2000-01-01T00:00:00Z"},  # before today
    ],
    ids=["42_days_and_a_second", "a_year", "backwards", "empty", "end_before_today"],
)
def test_a_range_too_long_or_backwards_is_400_naming_end(query, clinician, as_user):
    body = assert_problem(as_user(clinician).get(APPOINTMENTS, query), 400, "end")

    assert [error["field"] for error in body["errors"]] == ["end"]


@pytest.mark.parametrize(
    "query",
    [
        {"start": "tomorrow"},
        {"end": "2099-13-01T00:00:00Z"},
        {"clinician": "someone"},
        {"client": "42"},
        {"status": "postponed"},
        {"colour": "blue"},
    ],
)
def test_a_bad_parameter_is_400_naming_it(query, clinician, as_user):
    (name,) = query

    assert_problem(as_user(clinician).get(APPOINTMENTS, query), 400, name)


def test_status_narrows_the_range(scheduled, clinician, as_user):
    scheduled(utc(2099, 5, 4, 9))
    cancelled = scheduled(utc(2099, 5, 5, 9), status="cancelled", cancellation_reason="other")

    listed = ids(as_user(clinician).get(APPOINTMENTS, {**WEEK_OF_MAY, "status": "cancelled"}))

    assert listed == [str(cancelled.pk)]


# --- Whose -------------------------------------------------------------------------------------


@pytest.fixture
def week(scheduled, care_team_member):
    """A session of the clinician's and one the care-team member holds with the same client,
    in WEEK_OF_MAY."""
    return {
        "clinician": scheduled(utc(2099, 5, 4, 9)),
        "care_team_member": scheduled(utc(2099, 5, 5, 9), clinician=care_team_member),
    }


def test_yours_by_default(week, clinician, care_team_member, as_user):
    assert ids(as_user(clinician).get(APPOINTMENTS, WEEK_OF_MAY)) == [str(week["clinician"].pk)]
    assert ids(as_user(care_team_member).get(APPOINTMENTS, WEEK_OF_MAY)) == [
        str(week["care_team_member"].pk)
    ]


def test_a_client_lists_everyones_sessions_with_them(week, client_record, clinician, as_user):
    query = {**WEEK_OF_MAY, "client": str(client_record.pk)}

    assert ids(as_user(clinician).get(APPOINTMENTS, query)) == [
        str(week["clinician"].pk),
        str(week["care_team_member"].pk),
    ]


def test_a_colleagues_sessions_with_your_clients(week, clinician, care_team_member, as_user):
    query = {**WEEK_OF_MAY, "clinician": str(care_team_member.pk)}

    assert ids(as_user(clinician).get(APPOINTMENTS, query)) == [str(week["care_team_member"].pk)]


def test_a_supervisor_sees_a_supervisees_calendar(week, clinician, supervisor, as_user):
    api = as_user(supervisor)

    assert ids(api.get(APPOINTMENTS, WEEK_OF_MAY)) == []
    query = {**WEEK_OF_MAY, "clinician": str(clinician.pk)}
    assert ids(api.get(APPOINTMENTS, query)) == [str(week["clinician"].pk)]


def test_a_colleagues_sessions_with_clients_you_may_not_see_are_left_out(
    clinician, colleague, as_user
):
    SessionFactory(
        client=ClientFactory(primary_clinician=colleague),
        starts_at=utc(2099, 5, 4, 9),
        status="scheduled",
    )

    query = {**WEEK_OF_MAY, "clinician": str(colleague.pk)}

    assert ids(as_user(clinician).get(APPOINTMENTS, query)) == []


# --- Cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_the_view_reads_in_a_fixed_number_of_queries(
    count, clinician, as_user, django_assert_num_queries
):
    """Each of its own client: the page with the clients' names in one query, and one insert
    of the audit events (one per client)."""
    for index in range(count):
        SessionFactory(
            client=ClientFactory(primary_clinician=clinician),
            starts_at=utc(2099, 5, 4, 9) + timedelta(hours=index),
            status="scheduled",
        )
    api = as_user(clinician)

    with django_assert_num_queries(CALENDAR_QUERIES):
        response = api.get(APPOINTMENTS, WEEK_OF_MAY)

    assert len(ids(response)) == count


# Pinned: the page's rows with their clients, and the audit events' one insert.
CALENDAR_QUERIES = 2
