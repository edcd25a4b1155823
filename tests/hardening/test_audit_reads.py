"""The audit trail of reads: every read or export of client data leaves exactly one event with
its user, and requests without a valid sign-in leave none."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.hardening.conftest import (
    ADDRESS,
    AGENT,
    CALLER,
    REQUEST_ID,
    as_caller,
    event_ids,
    new_events,
    only_new_event,
)
from tests.helpers import assert_problem, bearer, login

pytestmark = pytest.mark.django_db


# name: (path from the records, object type, object id, whether the client is known, action);
# a list records the clients on the page it served (here the one client of `records`).
READS = {
    "clients list": (lambda r: "clients/", "client", None, True, "read"),
    "client": (lambda r: f"clients/{r['client'].pk}/", "client", "client", True, "read"),
    "progress": (lambda r: f"clients/{r['client'].pk}/progress/", "client", "client", True, "read"),
    "homework summary": (
        lambda r: f"clients/{r['client'].pk}/homework-summary/",
        "client",
        "client",
        True,
        "read",
    ),
    "session": (lambda r: f"sessions/{r['session'].pk}/", "session", "session", True, "read"),
    "sessions of a client": (
        lambda r: f"sessions/?client={r['client'].pk}",
        "session",
        None,
        True,
        "read",
    ),
    "homework": (lambda r: f"homework/{r['homework'].pk}/", "homework", "homework", True, "read"),
    "homework list": (lambda r: "homework/", "homework", None, True, "read"),
    "assessment": (
        lambda r: f"assessments/{r['assessment'].pk}/",
        "assessment",
        "assessment",
        True,
        "read",
    ),
    "assessments of a client": (
        lambda r: f"assessments/?client={r['client'].pk}",
        "assessment",
        None,
        True,
        "read",
    ),
    "risk flag": (
        lambda r: f"risk-flags/{r['risk_flag'].pk}/",
        "risk_flag",
        "risk_flag",
        True,
        "read",
    ),
    "client report": (
        lambda r: f"clients/{r['client'].pk}/report/",
        "client",
        "client",
        True,
        "export",
    ),
    "client report as csv": (
        lambda r: f"clients/{r['client'].pk}/report/?format=csv",
        "client",
        "client",
        True,
        "export",
    ),
    "outcomes report": (lambda r: "reports/outcomes/", "outcomes_report", None, True, "export"),
}


@pytest.mark.parametrize("name", READS)
def test_every_read_of_client_data_writes_one_event(name, records, clinician):
    build, object_type, object_key, client_known, action = READS[name]
    before_ids, started = event_ids(), timezone.now()

    response = as_caller(clinician).get("/api/v1/" + build(records), **CALLER)

    assert response.status_code == 200, response.content
    event = only_new_event(before_ids)
    assert event.actor == clinician
    assert event.practice == clinician.practice
    assert event.action == action
    assert event.object_type == object_type
    assert event.object_id == (str(records[object_key].pk) if object_key else "")
    assert event.client_id == (records["client"].pk if client_known else None)
    assert event.outcome == "success"
    assert event.status_code == 200
    assert event.method == "GET"
    assert event.path == "/api/v1/" + build(records).split("?")[0]
    assert event.ip == ADDRESS
    assert event.user_agent == AGENT
    assert event.request_id == REQUEST_ID == response["X-Request-ID"]
    assert started <= event.at <= timezone.now()
    assert event.at.utcoffset() == timedelta(0)


def test_a_real_bearer_token_request_is_audited_with_its_user(clinician, client_record):
    token = login(clinician.email).json()["access"]
    before_ids = event_ids()

    response = bearer(token).get(f"/api/v1/clients/{client_record.pk}/", REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome) == (clinician, "read", "success")
    assert event.client_id == client_record.pk
    assert event.ip == ADDRESS


def test_requests_without_a_valid_sign_in_write_no_event(client_record):
    before_ids = event_ids()

    response = APIClient().get(f"/api/v1/clients/{client_record.pk}/")

    assert_problem(response, 401)
    assert new_events(before_ids) == []
