"""Audit that cannot be skipped, and events that tell the truth (issue 11, items 1, 11, 12).

If a request's event cannot be written, the caller gets no clinical data (a 503 problem) and a
write changes nothing: a write and its event commit together. List reads record every client
on the page; a replay is recorded as one, and is refused once the caller lost the access."""

from unittest import mock

import pytest
from django.db import DatabaseError

from api.audit.models import AuditEvent
from clients.models import Client
from sessions.models import Session
from tests.factories import ClientFactory, SessionFactory
from tests.hardening.conftest import as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Quokkasentinel disclosed a childhood memory"


def audit_fails():
    return mock.patch(
        "api.audit.services._insert", side_effect=DatabaseError("the audit table is full")
    )


@pytest.fixture
def noted_session(client_record):
    return SessionFactory(
        client=client_record,
        note_sections={"data": NOTE_TEXT, "assessment": "Engaged.", "plan": "Weekly."},
        roots_addressed=["perfectionism"],
    )


READS = {
    "a session": lambda r: f"/api/v1/sessions/{r.pk}/",
    "the sessions list": lambda r: "/api/v1/sessions/",
    "a client": lambda r: f"/api/v1/clients/{r.client_id}/",
    "the clients list": lambda r: "/api/v1/clients/",
    "a client's progress": lambda r: f"/api/v1/clients/{r.client_id}/progress/",
    "a client's report": lambda r: f"/api/v1/clients/{r.client_id}/report/?format=json",
    "a client's report as CSV": lambda r: f"/api/v1/clients/{r.client_id}/report/?format=csv",
    "the outcomes report": lambda r: "/api/v1/reports/outcomes/",
}


@pytest.mark.parametrize("read", READS)
def test_a_read_whose_event_cannot_be_written_serves_no_data(read, noted_session, clinician):
    client = noted_session.client
    with audit_fails():
        response = as_caller(clinician).get(READS[read](noted_session))

    assert_problem(response, 503)
    body = response.content.decode()
    assert NOTE_TEXT not in body
    assert client.family_name not in body
    assert str(client.pk) not in body


def test_a_change_whose_event_cannot_be_written_is_rolled_back(noted_session, clinician):
    url = f"/api/v1/sessions/{noted_session.pk}/"
    with audit_fails():
        response = as_caller(clinician).patch(url, {"duration_minutes": 17}, format="json")

    assert_problem(response, 503)
    assert Session.objects.get(pk=noted_session.pk).duration_minutes != 17


def test_a_create_whose_event_cannot_be_written_creates_nothing(clinician):
    body = {"given_name": "Una", "family_name": "Unrecorded", "date_of_birth": "1990-01-01"}
    with audit_fails():
        response = as_caller(clinician).post(
            "/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="unrecorded-1"
        )

    assert_problem(response, 503)
    assert not Client.objects.filter(family_name="Unrecorded").exists()
    retried = as_caller(clinician).post(
        "/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="unrecorded-1"
    )
    assert retried.status_code == 201, retried.content  # nothing happened: the key is free
    assert "Idempotent-Replayed" not in retried


def test_a_delete_whose_event_cannot_be_written_deletes_nothing(noted_session, clinician):
    with audit_fails():
        response = as_caller(clinician).delete(f"/api/v1/sessions/{noted_session.pk}/")

    assert_problem(response, 503)
    assert Session.objects.filter(pk=noted_session.pk).exists()


def test_a_successful_write_and_its_event_are_kept_together(noted_session, clinician):
    response = as_caller(clinician).patch(
        f"/api/v1/sessions/{noted_session.pk}/", {"duration_minutes": 17}, format="json"
    )

    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="update", object_id=str(noted_session.pk))
    assert event.client_id == noted_session.client_id
    assert event.outcome == "success"


# --- events that tell the truth ---------------------------------------------------------------


def session_body(client) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": "2026-03-02T10:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
    }


def events_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]))


def test_a_list_read_records_every_client_on_the_page(clinician):
    clients = [ClientFactory(primary_clinician=clinician) for _ in range(3)]
    for client in clients:
        SessionFactory(client=client)
        SessionFactory(client=client)

    for path in ("/api/v1/clients/", "/api/v1/sessions/"):
        response = as_caller(clinician).get(path)
        assert response.status_code == 200
        events = events_of(response)
        assert {event.client_id for event in events} == {client.pk for client in clients}
        assert len(events) == len(clients)  # one per client, however many rows each has
        assert {event.action for event in events} == {"read"}


def test_a_list_read_with_nothing_on_the_page_records_one_event_without_a_client(colleague):
    response = as_caller(colleague).get("/api/v1/sessions/")

    assert response.status_code == 200
    (event,) = events_of(response)
    assert event.client_id is None


def test_an_unrelated_client_parameter_is_not_recorded_as_a_read_of_that_client(
    colleague, client_record
):
    response = as_caller(colleague).get(f"/api/v1/clients/?client={client_record.pk}")

    assert_problem(response, 400, "client")  # not a parameter of the client list
    assert [event.client_id for event in events_of(response)] == [None]


def test_options_is_recorded_as_a_read_not_an_update(client_record, clinician):
    response = as_caller(clinician).options(f"/api/v1/clients/{client_record.pk}/")

    (event,) = events_of(response)
    assert event.action == "read"
    assert event.method == "OPTIONS"


def test_an_idempotent_replay_is_recorded_as_a_replay(client_record, clinician):
    api = as_caller(clinician)
    body = session_body(client_record)
    first = api.post("/api/v1/sessions/", body, format="json", HTTP_IDEMPOTENCY_KEY="replay-1")
    replay = api.post("/api/v1/sessions/", body, format="json", HTTP_IDEMPOTENCY_KEY="replay-1")

    assert replay["Idempotent-Replayed"] == "true"
    assert [event.action for event in events_of(first)] == ["create"]
    (event,) = events_of(replay)
    assert event.action == "replay"
    assert event.client_id == client_record.pk
    assert event.object_type == "session"


# --- replays outlive no access ------------------------------------------------------------------


def test_a_replay_after_the_caller_lost_access_is_a_404_without_data(
    client_record, clinician, colleague
):
    api = as_caller(clinician)
    body = session_body(client_record)
    first = api.post("/api/v1/sessions/", body, format="json", HTTP_IDEMPOTENCY_KEY="lost-1")
    assert first.status_code == 201, first.content
    Client.objects.filter(pk=client_record.pk).update(primary_clinician=colleague)

    replay = api.post("/api/v1/sessions/", body, format="json", HTTP_IDEMPOTENCY_KEY="lost-1")

    assert_problem(replay, 404)
    assert first.json()["id"] not in replay.content.decode()
    assert Session.objects.filter(client=client_record).count() == 1


def test_a_replay_of_a_created_client_after_reassignment_is_a_404(clinician, colleague):
    api = as_caller(clinician)
    body = {"given_name": "Ria", "family_name": "Reassigned", "date_of_birth": "1990-01-01"}
    first = api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="lost-2")
    assert first.status_code == 201, first.content
    Client.objects.filter(pk=first.json()["id"]).update(primary_clinician=colleague)

    replay = api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="lost-2")

    assert_problem(replay, 404)
    assert "Reassigned" not in replay.content.decode()
