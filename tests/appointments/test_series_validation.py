"""A series says when it ends, either after `count` appointments (at most 104) or on `ends_on`,
never both; one that would end before its first appointment, or that recurs other than every
1 to 4 weeks, is a 400 naming the field, and nothing is stored."""

import pytest

from sessions.models import AppointmentSeries, Session
from tests.appointments.conftest import SERIES, series_body
from tests.helpers import assert_problem, error_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(client_record, clinician, as_user):
    """`refused(field, **fields)`: POST a series, assert a 400 naming only `field` and that
    nothing was stored; the error's message."""

    def post(field: str, **fields) -> str:
        response = as_user(clinician).post(
            SERIES, series_body(client_record, **fields), format="json"
        )

        body = assert_problem(response, 400, field)
        assert error_fields(response) == [field]
        assert not AppointmentSeries.objects.exists()
        assert not Session.objects.exists()
        return body["errors"][0]["message"]

    return post


def test_both_count_and_ends_on_is_400_naming_ends_on(refused):
    assert "either ends_on or count" in refused("ends_on", count=4, ends_on="2099-04-01")


def test_neither_count_nor_ends_on_is_400_naming_ends_on(refused):
    assert "either ends_on or count" in refused("ends_on", count=None)


@pytest.mark.parametrize("count", [105, 1000])
def test_more_than_104_appointments_is_400_naming_count(refused, count):
    refused("count", count=count)


def test_a_count_of_zero_is_400_naming_count(refused):
    refused("count", count=0)


def test_104_appointments_are_allowed(client_record, clinician, as_user):
    response = as_user(clinician).post(SERIES, series_body(client_record, count=104), format="json")

    assert response.status_code == 201, response.content
    assert Session.objects.count() == 104


def test_a_series_ending_before_its_first_appointment_is_400(refused):
    message = refused("ends_on", starts_at="2099-03-02T10:00:00Z", count=None, ends_on="2099-03-01")

    assert "ends before its first appointment" in message


def test_ends_on_is_compared_on_the_practices_calendar(refused, in_zone):
    """Monday 01:00 UTC is still Sunday in New York: ending on Sunday keeps that one."""
    in_zone("America/New_York")
    refused("ends_on", starts_at="2099-03-03T01:00:00Z", count=None, ends_on="2099-03-01")


@pytest.mark.parametrize("interval", [0, 5, -1])
def test_an_interval_outside_1_to_4_weeks_is_400(refused, interval):
    refused("interval_weeks", interval_weeks=interval)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", 0),
        ("duration_minutes", 601),
        ("modality", "carrier_pigeon"),
        ("kind", "party"),
        ("starts_at", "next monday"),
        ("starts_at", "9999-12-31T00:00:00Z"),
        ("ends_on", "2099-02-30"),
    ],
)
def test_a_bad_field_is_400_naming_it(refused, field, value):
    extra = {"count": None} if field == "ends_on" else {}
    refused(field, **{field: value, **extra})


@pytest.mark.parametrize("field", ["starts_at", "interval_weeks", "duration_minutes", "modality"])
def test_a_missing_field_is_400_naming_it(refused, field):
    refused(field, **{field: None})
