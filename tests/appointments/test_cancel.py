"""Cancelling says why (`reason`) and when (`cancelled_at`), and keeps the session on record; with
`following` the later scheduled appointments of its series go too. Only a scheduled session
is cancelled (409 otherwise), only by its clinician. Through PATCH, `status: cancelled` needs a
`cancellation_reason`, which no other status has; a no-show is marked only once the session
has started."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import CancellationReason, Session
from tests.appointments.conftest import SERIES, series_body, session_url, stored_sessions, utc
from tests.helpers import as_each, assert_problem, error_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(client_record, clinician, as_user):
    """The four weekly appointments of series_body, soonest first."""
    response = as_user(clinician).post(SERIES, series_body(client_record), format="json")
    assert response.status_code == 201, response.content
    return [Session.objects.get(pk=pk) for pk in response.json()["sessions"]]


def cancel(api, session, **body):
    return api.post(session_url(session, "cancel"), body, format="json")


def statuses(sessions) -> list[tuple[str, str]]:
    fresh = [Session.objects.get(pk=s.pk) for s in sessions]
    return [(s.status, s.cancellation_reason) for s in fresh]


@pytest.mark.parametrize("reason", CancellationReason.values)
def test_cancel_with_each_reason(reason, scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    before = timezone.now()

    response = cancel(as_user(clinician), session, reason=reason)

    assert response.status_code == 200, response.content
    (row,) = response.json()
    assert (row["id"], row["status"], row["cancellation_reason"]) == (
        str(session.pk),
        "cancelled",
        reason,
    )
    stored = Session.objects.get(pk=session.pk)
    assert (stored.status, stored.cancellation_reason) == ("cancelled", reason)
    assert before <= stored.cancelled_at <= timezone.now()
    assert stored.starts_at == utc(2099, 5, 4, 10)


def test_cancelled_sessions_stay_on_record(scheduled, clinician, as_user, client_record):
    session = scheduled(utc(2099, 5, 4, 10))
    api = as_user(clinician)
    cancel(api, session, reason="client_cancelled")

    response = api.get(session_url(session))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "client_cancelled")
    assert body["cancelled_at"] is not None


def test_cancelling_one_of_a_series_leaves_the_rest(series, clinician, as_user):
    cancel(as_user(clinician), series[1], reason="late_cancellation")

    assert statuses(series) == [
        ("scheduled", ""),
        ("cancelled", "late_cancellation"),
        ("scheduled", ""),
        ("scheduled", ""),
    ]


def test_cancelling_the_following_cancels_the_later_scheduled_ones(series, clinician, as_user):
    api = as_user(clinician)
    cancel(api, series[2], reason="other")

    response = cancel(api, series[1], reason="clinician_cancelled", following=True)

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()] == [str(series[1].pk), str(series[3].pk)]
    assert statuses(series) == [
        ("scheduled", ""),  # earlier: untouched
        ("cancelled", "clinician_cancelled"),
        ("cancelled", "other"),  # cancelled before, for its own reason: kept
        ("cancelled", "clinician_cancelled"),
    ]


def test_cancelling_twice_is_409(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    api = as_user(clinician)
    cancel(api, session, reason="client_cancelled")
    before = stored_sessions()

    response = cancel(api, session, reason="other")

    (error,) = assert_problem(response, 409, "status")["errors"]
    assert "only a scheduled one can be cancelled" in error["message"]
    assert stored_sessions() == before


def test_a_completed_session_is_not_cancelled(session_record, clinician, as_user):
    before = stored_sessions()

    response = cancel(as_user(clinician), session_record, reason="other")

    assert_problem(response, 409, "status")
    assert stored_sessions() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "forgot"}, {"reason": None}, {"reason": ["other"]}],
    ids=["missing", "empty", "unknown", "null", "list"],
)
def test_a_missing_or_unknown_reason_is_400(body, scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    before = stored_sessions()

    response = cancel(as_user(clinician), session, **body)

    assert_problem(response, 400, "reason")
    assert error_fields(response) == ["reason"]
    assert stored_sessions() == before


@as_each("care_team_member", "supervisor")
def test_someone_who_reads_it_but_did_not_hold_it_is_refused_403(person, series, as_user):
    before = stored_sessions()

    response = cancel(as_user(person), series[0], reason="other", following=True)

    assert assert_problem(response, 403)["type"] == "urn:rootwise:problem:permission-denied"
    assert stored_sessions() == before


@as_each("colleague", "other_supervisor", "admin", "outsider", "stranger")
def test_anyone_else_gets_404_as_for_a_missing_session(person, series, as_user):
    api = as_user(person)
    before = stored_sessions()

    response = cancel(api, series[0], reason="other")

    assert_problem(response, 404)
    assert response.json() == cancel(api, "00000000-0000-4000-8000-000000000000").json()
    assert stored_sessions() == before


# --- Through PATCH -----------------------------------------------------------------------------


def test_patch_to_cancelled_without_a_reason_is_400_naming_it(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    before = stored_sessions()

    response = as_user(clinician).patch(
        session_url(session), {"status": "cancelled"}, format="json"
    )

    (error,) = assert_problem(response, 400, "cancellation_reason")["errors"]
    assert error["field"] == "cancellation_reason"
    assert stored_sessions() == before


def test_patch_to_cancelled_with_a_reason_records_when(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))

    response = as_user(clinician).patch(
        session_url(session),
        {"status": "cancelled", "cancellation_reason": "late_cancellation"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "late_cancellation")
    assert body["cancelled_at"] is not None
    assert Session.objects.get(pk=session.pk).cancelled_at is not None


def test_patch_with_a_reason_on_a_scheduled_session_is_400(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    before = stored_sessions()

    response = as_user(clinician).patch(
        session_url(session), {"cancellation_reason": "other"}, format="json"
    )

    assert_problem(response, 400, "cancellation_reason")
    assert error_fields(response) == ["cancellation_reason"]
    assert stored_sessions() == before


def test_patch_with_an_unknown_reason_is_400(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))

    response = as_user(clinician).patch(
        session_url(session),
        {"status": "cancelled", "cancellation_reason": "forgot"},
        format="json",
    )

    assert_problem(response, 400, "cancellation_reason")
    assert Session.objects.get(pk=session.pk).status == "scheduled"


def test_reinstating_a_cancelled_session_clears_when_and_why(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    api = as_user(clinician)
    cancel(api, session, reason="client_cancelled")

    response = api.patch(
        session_url(session), {"status": "scheduled", "cancellation_reason": None}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["cancellation_reason"], body["cancelled_at"]) == (None, None)
    stored = Session.objects.get(pk=session.pk)
    assert (stored.status, stored.cancellation_reason, stored.cancelled_at) == (
        "scheduled",
        "",
        None,
    )


def test_reinstating_by_status_alone_forgets_the_reason(scheduled, clinician, as_user):
    session = scheduled(utc(2099, 5, 4, 10))
    api = as_user(clinician)
    cancel(api, session, reason="late_cancellation")

    response = api.patch(session_url(session), {"status": "scheduled"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["cancellation_reason"], response.json()["cancelled_at"]) == (None, None)
    assert Session.objects.get(pk=session.pk).cancellation_reason == ""


def test_a_future_session_is_not_a_no_show_yet(scheduled, clinician, as_user):
    session = scheduled(timezone.now() + timedelta(hours=1))
    before = stored_sessions()

    response = as_user(clinician).patch(session_url(session), {"status": "no_show"}, format="json")

    assert_problem(response, 400, "status")
    assert stored_sessions() == before


def test_a_session_that_has_started_can_be_a_no_show(scheduled, clinician, as_user):
    session = scheduled(timezone.now() - timedelta(minutes=5))

    response = as_user(clinician).patch(session_url(session), {"status": "no_show"}, format="json")

    assert response.status_code == 200, response.content
    stored = Session.objects.get(pk=session.pk)
    assert (stored.status, stored.cancellation_reason, stored.cancelled_at) == ("no_show", "", None)
