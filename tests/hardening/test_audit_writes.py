"""The audit trail of writes: every change to client data leaves exactly one event naming the
action, the record and its client."""

from uuid import UUID

import pytest
from django.utils import timezone

from tests.hardening.conftest import as_caller, event_ids, only_new_event

pytestmark = pytest.mark.django_db


def _new_client(api, r):
    return api.post("/api/v1/clients/", {"given_name": "Ada", "family_name": "Byron"}, "json")


def _new_session(api, r):
    body = {
        "client": str(r["client"].pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
    }
    return api.post("/api/v1/sessions/", body, "json")


def _new_homework(api, r):
    body = {
        "client": str(r["client"].pk),
        "strategy": "self_reflection",
        "title": "Three good things",
        "instructions": "Each evening, write down three things that went well.",
    }
    return api.post("/api/v1/homework/", body, "json")


def _new_assessment(api, r):
    body = {
        "client": str(r["client"].pk),
        "instrument": "gad7",
        "administered_on": "2025-06-09",
        "source": "clinician",
        "responses": [1, 1, 1, 1, 1, 1, 1],
    }
    return api.post("/api/v1/assessments/", body, "json")


# name: (request, action, object type, the record it is about (None: the one created), status)
WRITES = {
    "create client": (_new_client, "create", "client", None, 201),
    "update client": (
        lambda api, r: api.patch(f"/api/v1/clients/{r['client'].pk}/", {"given_name": "B"}, "json"),
        "update",
        "client",
        "client",
        200,
    ),
    "create session": (_new_session, "create", "session", None, 201),
    "update session": (
        lambda api, r: api.patch(
            f"/api/v1/sessions/{r['session'].pk}/", {"duration_minutes": 45}, "json"
        ),
        "update",
        "session",
        "session",
        200,
    ),
    "sign session": (
        lambda api, r: api.post(f"/api/v1/sessions/{r['session'].pk}/sign/"),
        "sign",
        "session",
        "session",
        200,
    ),
    "delete session": (
        lambda api, r: api.delete(f"/api/v1/sessions/{r['session'].pk}/"),
        "delete",
        "session",
        "session",
        204,
    ),
    "assign homework": (_new_homework, "create", "homework", None, 201),
    "complete homework": (
        lambda api, r: api.post(
            f"/api/v1/homework/{r['homework'].pk}/complete/",
            {"completed_on": timezone.localdate().isoformat(), "helpfulness": 7},
            "json",
        ),
        "update",
        "homework",
        "homework",
        200,
    ),
    "record assessment": (_new_assessment, "create", "assessment", None, 201),
    "void assessment": (
        lambda api, r: api.post(
            f"/api/v1/assessments/{r['assessment'].pk}/void/", {"reason": "Wrong client."}, "json"
        ),
        "void",
        "assessment",
        "assessment",
        200,
    ),
    "acknowledge risk flag": (
        lambda api, r: api.post(
            f"/api/v1/risk-flags/{r['risk_flag'].pk}/acknowledge/",
            {"note": "Safety plan reviewed."},
            "json",
        ),
        "update",
        "risk_flag",
        "risk_flag",
        200,
    ),
}


@pytest.mark.parametrize("name", WRITES)
def test_every_write_of_client_data_writes_one_event(name, records, clinician):
    send, action, object_type, about, status = WRITES[name]
    before_ids = event_ids()

    response = send(as_caller(clinician), records)

    assert response.status_code == status, response.content
    event = only_new_event(before_ids)
    object_id = str(records[about].pk) if about else response.json()["id"]
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert (event.action, event.object_type, event.object_id) == (action, object_type, object_id)
    client = UUID(object_id) if object_type == "client" else records["client"].pk
    assert event.client_id == client
    assert (event.outcome, event.status_code) == ("success", status)
    assert event.method == response.wsgi_request.method


def test_a_supervisor_co_signing_is_audited_as_a_sign_by_the_supervisor(
    signed_session, supervisor, client_record
):
    before_ids = event_ids()

    response = as_caller(supervisor).post(f"/api/v1/sessions/{signed_session.pk}/cosign/")

    assert response.status_code == 200, response.content
    event = only_new_event(before_ids)
    assert (event.actor, event.action, event.outcome) == (supervisor, "sign", "success")
    assert (event.object_id, event.client_id) == (str(signed_session.pk), client_record.pk)
