"""What an audit event holds: identifiers, never names, notes or query strings; the caller's
real address; a well-formed request id."""

import pytest
from django.conf import settings
from django.test import override_settings

from api.audit.models import AuditEvent
from tests.hardening.conftest import (
    ADDRESS,
    EVENTS,
    as_caller,
    event_ids,
    new_events,
    only_new_event,
)

pytestmark = pytest.mark.django_db


GIVEN, FAMILY = "Zephyrinasentinel", "Quillbottomsentinel"
NOTE = "Talked about Marmaladesentinel at length."


def test_events_hold_identifiers_never_names_notes_or_query_strings(clinician, admin, as_user):
    api = as_user(clinician)
    before_ids = event_ids()

    created = api.post(
        "/api/v1/clients/",
        {
            "given_name": GIVEN,
            "family_name": FAMILY,
            "presenting_roots": [{"root": "perfectionism", "severity": 3, "note": NOTE}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    client_id = created.json()["id"]
    session = api.post(
        "/api/v1/sessions/",
        {
            "client": client_id,
            "starts_at": "2025-06-02T09:00:00Z",
            "duration_minutes": 50,
            "modality": "in_person",
            "kind": "individual",
            "status": "completed",
            "note": {"format": "narrative", "text": NOTE},
        },
        format="json",
    )
    assert session.status_code == 201, session.content
    searched = api.get("/api/v1/clients/", {"search": FAMILY})
    assert [row["id"] for row in searched.json()["results"]] == [client_id]
    assert api.get(f"/api/v1/clients/{client_id}/report/", {"format": "csv"}).status_code == 200

    events = new_events(before_ids)
    assert len(events) == 4
    stored = " ".join(
        str(value) for event in events for value in AuditEvent.objects.filter(pk=event.pk).values()
    )
    for value in (GIVEN, FAMILY, "Marmaladesentinel", "search=", "format="):
        assert value.lower() not in stored.lower()
    assert [event.path for event in events] == [
        "/api/v1/clients/",
        "/api/v1/sessions/",
        "/api/v1/clients/",
        f"/api/v1/clients/{client_id}/report/",
    ]
    listed = as_user(admin).get(EVENTS)
    assert listed.status_code == 200
    assert GIVEN not in listed.content.decode() and "Marmalade" not in listed.content.decode()


# --- addresses and request ids -------------------------------------------------------------------


def test_a_forwarded_for_header_is_ignored_unless_proxies_are_trusted(clinician, client_record):
    url = f"/api/v1/clients/{client_record.pk}/"
    before_ids = event_ids()

    as_caller(clinician).get(url, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="10.9.9.9")
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        as_caller(clinician).get(
            url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.50"
        )

    assert [event.ip for event in new_events(before_ids)] == [ADDRESS, "203.0.113.50"]


def test_a_malformed_request_id_is_replaced_in_the_event_and_the_response(clinician, client_record):
    before_ids = event_ids()

    response = as_caller(clinician).get(
        f"/api/v1/clients/{client_record.pk}/", HTTP_X_REQUEST_ID="<script>alert(1)</script>"
    )

    event = only_new_event(before_ids)
    assert event.request_id == response["X-Request-ID"]
    assert "<" not in event.request_id and len(event.request_id) >= 8
