"""The audit trail of refusals and failures: denied reads and changes, invalid writes and stale
writes are recorded as denied or failed, with their client where it is known."""

import pytest

from sessions.models import Session
from tests.hardening.conftest import (
    ADDRESS,
    AGENT,
    CALLER,
    REQUEST_ID,
    as_caller,
    event_ids,
    only_new_event,
)
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_reading_another_practices_client_is_audited_as_denied(stranger, client_record):
    before_ids = event_ids()

    response = as_caller(stranger).get(f"/api/v1/clients/{client_record.pk}/", **CALLER)

    assert_problem(response, 404)
    event = only_new_event(before_ids)
    assert (event.actor, event.practice) == (stranger, stranger.practice)
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "client",
        str(client_record.pk),
    )
    assert (event.outcome, event.status_code) == ("denied", 404)
    assert (event.ip, event.user_agent, event.request_id) == (ADDRESS, AGENT, REQUEST_ID)


@pytest.mark.parametrize(
    "who, path",
    [
        ("colleague", "sessions/{session}/"),
        ("admin", "sessions/{session}/"),
        ("admin", "clients/{client}/progress/"),
        ("admin", "clients/{client}/report/"),
        ("stranger", "risk-flags/{risk_flag}/"),
    ],
)
def test_clinical_reads_refused_with_404_are_audited_as_denied(request, who, path, records):
    user = request.getfixturevalue(who)
    url = "/api/v1/" + path.format(**{key: record.pk for key, record in records.items()})
    before_ids = event_ids()

    response = as_caller(user).get(url)

    assert_problem(response, 404)
    event = only_new_event(before_ids)
    assert (event.actor, event.outcome, event.status_code) == (user, "denied", 404)
    assert event.path == url


def test_a_supervisors_refused_change_is_audited_as_denied_with_the_client(
    supervisor, client_record
):
    before_ids = event_ids()

    response = as_caller(supervisor).patch(
        f"/api/v1/clients/{client_record.pk}/", {"given_name": "Changed"}, format="json"
    )

    assert_problem(response, 403)
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome, event.status_code) == (
        supervisor,
        "update",
        "denied",
        403,
    )
    assert (event.object_id, event.client_id) == (str(client_record.pk), client_record.pk)


def test_an_invalid_write_is_audited_as_failed(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).post(
        "/api/v1/sessions/", {"client": str(client_record.pk)}, format="json"
    )

    assert_problem(response, 400)
    event = only_new_event(before_ids)
    assert (event.action, event.object_type, event.outcome, event.status_code) == (
        "create",
        "session",
        "failed",
        400,
    )
    assert Session.objects.filter(client=client_record).count() == 0


def test_a_refused_change_to_a_signed_note_is_audited_as_failed(signed_session, clinician):
    before_ids = event_ids()

    response = as_caller(clinician).patch(
        f"/api/v1/sessions/{signed_session.pk}/", {"duration_minutes": 5}, format="json"
    )

    assert_problem(response, 409)
    event = only_new_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("update", "failed", 409)
    assert (event.object_id, event.client_id) == (str(signed_session.pk), signed_session.client_id)


def test_a_write_refused_for_a_stale_etag_is_audited_with_its_client(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).patch(
        f"/api/v1/clients/{client_record.pk}/",
        {"given_name": "Changed"},
        format="json",
        HTTP_IF_MATCH='"stale"',
    )

    assert_problem(response, 412)
    event = only_new_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("update", "failed", 412)
    assert event.object_id == str(client_record.pk)
    assert event.client_id == client_record.pk
