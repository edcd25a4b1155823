"""Every request about appointments leaves its audit event: who, what, which client, and how it
ended, refusals included; and the series list reads in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.audit.models import AuditEvent
from sessions.models import Session
from tests.appointments.conftest import (
    APPOINTMENTS,
    SERIES,
    series_body,
    session_url,
    utc,
)
from tests.factories import AppointmentSeriesFactory, ClientFactory

pytestmark = pytest.mark.django_db


def event_of(response) -> AuditEvent:
    (event,) = AuditEvent.objects.filter(request_id=response["X-Request-ID"])
    return event


def summary(event) -> tuple:
    return (
        event.actor_id,
        event.action,
        event.object_type,
        event.object_id,
        event.client_id,
        event.outcome,
        event.status_code,
    )


def test_booking_a_series_and_reading_it(client_record, clinician, as_user):
    api = as_user(clinician)

    created = api.post(SERIES, series_body(client_record), format="json")
    series_id = created.json()["id"]
    read = api.get(f"{SERIES}{series_id}/")

    assert summary(event_of(created)) == (
        clinician.pk,
        "create",
        "appointment_series",
        series_id,
        client_record.pk,
        "success",
        201,
    )
    assert summary(event_of(read)) == (
        clinician.pk,
        "read",
        "appointment_series",
        series_id,
        client_record.pk,
        "success",
        200,
    )


def test_a_refused_booking_is_recorded_as_failed(scheduled, client_record, clinician, as_user):
    scheduled(utc(2099, 3, 9, 10))

    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")

    assert response.status_code == 409
    event = event_of(response)
    assert (event.action, event.object_type, event.outcome, event.status_code) == (
        "create",
        "appointment_series",
        "failed",
        409,
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reschedule", {"starts_at": "2099-05-05T10:00:00Z"}),
        ("cancel", {"reason": "client_cancelled"}),
    ],
)
def test_rescheduling_and_cancelling(action, body, scheduled, client_record, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))

    response = as_user(clinician).post(session_url(session, action), body, format="json")

    assert response.status_code == 200, response.content
    assert summary(event_of(response)) == (
        clinician.pk,
        "update",
        "session",
        str(session.pk),
        client_record.pk,
        "success",
        200,
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reschedule", {"starts_at": "2099-05-05T10:00:00Z"}),
        ("cancel", {"reason": "client_cancelled"}),
    ],
)
def test_a_refusal_is_recorded_as_denied(
    action, body, scheduled, client_record, supervisor, outsider, as_user
):
    session = scheduled(utc(2099, 5, 4, 10))

    forbidden = as_user(supervisor).post(session_url(session, action), body, format="json")
    hidden = as_user(outsider).post(session_url(session, action), body, format="json")

    assert (forbidden.status_code, hidden.status_code) == (403, 404)
    assert summary(event_of(forbidden)) == (
        supervisor.pk,
        "update",
        "session",
        str(session.pk),
        client_record.pk,
        "denied",
        403,
    )
    assert summary(event_of(hidden)) == (
        outsider.pk,
        "update",
        "session",
        str(session.pk),
        None,  # not found: no client named
        "denied",
        404,
    )


def test_the_calendar_records_a_read_per_client_shown(scheduled, clinician, as_user):
    other = ClientFactory(primary_clinician=clinician)
    first = scheduled(utc(2099, 5, 4, 9))
    second = scheduled(utc(2099, 5, 5, 9), client=other)

    response = as_user(clinician).get(
        APPOINTMENTS, {"start": "2099-05-04T00:00:00Z", "end": "2099-05-11T00:00:00Z"}
    )

    events = AuditEvent.objects.filter(request_id=response["X-Request-ID"])
    assert {(e.action, e.object_type, e.outcome) for e in events} == {
        ("read", "session", "success")
    }
    assert sorted(e.client_id for e in events) == sorted([first.client_id, second.client_id])


def test_a_refused_calendar_range_is_recorded(clinician, as_user):
    response = as_user(clinician).get(APPOINTMENTS, {"end": "2000-01-01T00:00:00Z"})

    assert response.status_code == 400
    assert (event_of(response).outcome, event_of(response).client_id) == ("failed", None)


@pytest.mark.parametrize("count", [1, 20])
def test_the_series_list_reads_in_a_fixed_number_of_queries(
    count, clinician, as_user, django_assert_num_queries
):
    """Each of its own client: the page with its sessions' ids, and one insert of the audit
    events."""
    for index in range(count):
        AppointmentSeriesFactory(
            client=ClientFactory(primary_clinician=clinician),
            starts_at=utc(2099, 3, 2, 10) + timedelta(hours=index),
            count=2,
        )
    api = as_user(clinician)

    with django_assert_num_queries(SERIES_LIST_QUERIES):
        response = api.get(SERIES)

    assert response.status_code == 200
    assert [len(row["sessions"]) for row in response.json()["results"]] == [2] * count


# Pinned: the page's series, their sessions' ids, and the audit events' one insert.
SERIES_LIST_QUERIES = 3


# Each series' first Monday, and the Tuesday its rest moves to.
MONDAY_AND_TUESDAY = {
    2: (utc(2099, 3, 2, 10), "2099-03-03T10:00:00Z"),
    12: (utc(2099, 6, 1, 10), "2099-06-02T10:00:00Z"),
}


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reschedule", lambda tuesday: {"starts_at": tuesday, "following": True}),
        ("cancel", lambda tuesday: {"reason": "other", "following": True}),
    ],
    ids=["reschedule", "cancel"],
)
def test_changing_the_rest_of_a_series_reads_the_same_however_long(
    action, body, clinician, as_user
):
    """The rest of a series of 2 or of 12: the same reads (no client read per session for the
    answer's names), and one update per session."""
    api = as_user(clinician)
    reads, updates = {}, {}
    for count, (monday, tuesday) in MONDAY_AND_TUESDAY.items():
        series = AppointmentSeriesFactory(
            client=ClientFactory(primary_clinician=clinician), starts_at=monday, count=count
        )
        first = series.sessions.order_by("starts_at").first()
        with CaptureQueriesContext(connection) as queries:
            response = api.post(session_url(first, action), body(tuesday), format="json")
        assert response.status_code == 200, response.content
        assert len(response.json()) == count
        statements = [query["sql"] for query in queries.captured_queries]
        reads[count] = sum(sql.startswith("SELECT") and " FROM " in sql for sql in statements)
        updates[count] = sum(sql.startswith(f'UPDATE "{SESSION_TABLE}"') for sql in statements)

    assert reads[2] == reads[12]
    assert updates == {2: 2, 12: 12}


SESSION_TABLE = Session._meta.db_table
