"""Every date and time a client sends, in a query parameter or a body, becomes a UTC moment the
database and Python can both hold, or is a 400 naming where it was sent; never a 500. PostgreSQL
refuses an offset beyond ±15:59 and Python a moment past 9999-12-31, so both databases run
these."""

from datetime import UTC, datetime

import pytest

from sessions.models import Session
from tests.factories import SessionFactory
from tests.hardening.conftest import API, as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = {
    "past the last moment": "9999-12-31T23:59:59.999999-23:59",
    "before the first moment": "0001-01-01T00:00:00+23:59",
}


@pytest.mark.parametrize("parameter", ["starts_before", "starts_after"])
@pytest.mark.parametrize("moment", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
def test_a_session_filter_beyond_the_representable_range_is_a_400(
    parameter, moment, clinician, session_record
):
    response = as_caller(clinician).get(f"{API}sessions/", {parameter: moment})

    body = assert_problem(response, 400, parameter)
    assert "9999-12-31" in body["detail"]


@pytest.mark.parametrize("parameter", ["at_before", "at_after"])
def test_an_audit_filter_beyond_the_representable_range_is_a_400(parameter, admin):
    response = as_caller(admin).get(
        f"{API}audit-events/", {parameter: OUT_OF_RANGE["past the last moment"]}
    )

    assert_problem(response, 400, parameter)


def test_a_filter_with_a_large_offset_means_that_moment_in_utc(clinician, client_record):
    # -23:59 is legal ISO 8601 that PostgreSQL refuses; it is the next day, 08:59 UTC.
    earlier = SessionFactory(
        client=client_record, starts_at=datetime(2025, 6, 3, 8, 58, tzinfo=UTC)
    )
    SessionFactory(client=client_record, starts_at=datetime(2025, 6, 3, 9, 0, tzinfo=UTC))

    response = as_caller(clinician).get(
        f"{API}sessions/", {"starts_before": "2025-06-02T09:00:00-23:59"}
    )

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [str(earlier.pk)]


@pytest.mark.parametrize("moment", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
def test_a_session_start_beyond_the_representable_range_is_a_400(moment, clinician, session_record):
    before = Session.objects.get(pk=session_record.pk).starts_at

    response = as_caller(clinician).patch(
        f"{API}sessions/{session_record.pk}/", {"starts_at": moment}, format="json"
    )

    assert_problem(response, 400, "starts_at")
    assert Session.objects.get(pk=session_record.pk).starts_at == before


def test_a_session_whose_end_would_not_be_representable_is_a_400(clinician, session_record):
    response = as_caller(clinician).patch(
        f"{API}sessions/{session_record.pk}/", {"starts_at": "9999-12-31T23:00:00Z"}, format="json"
    )

    assert_problem(response, 400, "starts_at")


def test_the_latest_session_start_accepted_still_exports(clinician, session_record):
    api = as_caller(clinician)
    client_id = session_record.client_id

    saved = api.patch(
        f"{API}sessions/{session_record.pk}/",
        {
            "starts_at": "9999-12-30T23:59:59.999999Z",
            "duration_minutes": 600,
            "status": "scheduled",
        },
        format="json",
    )
    listed = api.get(f"{API}sessions/", {"starts_after": "9999-12-30T00:00:00+14:00"})
    exported = api.get(f"{API}clients/{client_id}/report/", {"format": "fhir"})

    assert saved.status_code == 200, saved.content
    assert [row["id"] for row in listed.json()["results"]] == [str(session_record.pk)]
    assert exported.status_code == 200, exported.content
