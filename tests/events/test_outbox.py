"""The outbox (api/events): each change other systems learn of writes its event in its own
transaction, with ids only; a change refused or rolled back writes none."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from api.events.models import OutboxEvent, Topic
from api.events.outbox import emit
from assessments.measures.tasks import expire_due
from assessments.services import assessment_record
from tests.events.conftest import PHQ9_AT_RISK
from tests.factories import HomeworkFactory, MeasureInvitationFactory

pytestmark = pytest.mark.django_db


def events(topic: str | None = None) -> list[OutboxEvent]:
    rows = OutboxEvent.objects.order_by("occurred_at", "id")
    return list(rows.filter(topic=topic) if topic else rows)


def assert_thin(event: OutboxEvent, *, client, object_type: str, object_id) -> None:
    """The payload names the practice, the client and the record, by id, and nothing else."""
    assert event.payload == {
        "type": event.topic,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "practice": str(client.practice_id),
            "client": str(client.pk),
            "object": {"type": object_type, "id": str(object_id)},
        },
    }
    text = json.dumps(event.payload)
    for private in (client.given_name, client.family_name):
        assert private not in text


def test_recording_an_assessment_at_risk_writes_its_event_and_the_flags(
    client_record, record_phq9_at_risk
):
    assessment = record_phq9_at_risk()

    (recorded,) = events(Topic.ASSESSMENT_RECORDED)
    (raised,) = events(Topic.RISK_FLAG_RAISED)
    assert_thin(
        recorded, client=client_record, object_type="assessment", object_id=assessment["id"]
    )
    flag = client_record.risk_flags.get()
    assert_thin(raised, client=client_record, object_type="risk_flag", object_id=flag.pk)


def test_acknowledging_a_flag_writes_its_event(client_record, clinician, as_user):
    assessment = assessment_record(
        by=clinician,
        client=client_record,
        instrument="phq9",
        responses=PHQ9_AT_RISK,
        administered_on=timezone.localdate(),
    )
    flag = assessment.risk_flags.get()

    response = as_user(clinician).post(
        f"/api/v1/risk-flags/{flag.pk}/acknowledge/", {"note": "Called; safe."}, format="json"
    )

    assert response.status_code == 200, response.content
    (acknowledged,) = events(Topic.RISK_FLAG_ACKNOWLEDGED)
    assert_thin(acknowledged, client=client_record, object_type="risk_flag", object_id=flag.pk)
    assert "Called" not in json.dumps(acknowledged.payload)


def test_signing_and_cosigning_write_their_events(session_record, supervisor, as_user):
    url = f"/api/v1/sessions/{session_record.pk}/"

    assert as_user(session_record.clinician).post(url + "sign/").status_code == 200
    assert as_user(supervisor).post(url + "cosign/").status_code == 200
    assert as_user(supervisor).post(url + "cosign/").status_code == 409  # refused: no event

    client = session_record.client
    (signed,) = events(Topic.SESSION_SIGNED)
    (cosigned,) = events(Topic.SESSION_COSIGNED)
    assert_thin(signed, client=client, object_type="session", object_id=session_record.pk)
    assert_thin(cosigned, client=client, object_type="session", object_id=session_record.pk)


@pytest.mark.parametrize(("action", "emitted"), [("complete", 1), ("not-completed", 0)])
def test_homework_done_writes_its_event(action, emitted, client_record, clinician, as_user):
    homework = HomeworkFactory(client=client_record, assigned_by=clinician)
    body = {"completed_on": timezone.localdate().isoformat(), "helpfulness": 7}

    response = as_user(clinician).post(
        f"/api/v1/homework/{homework.pk}/{action}/",
        body if action == "complete" else {},
        format="json",
    )

    assert response.status_code == 200, response.content
    completed = events(Topic.HOMEWORK_COMPLETED)
    assert len(completed) == emitted
    for event in completed:
        assert_thin(event, client=client_record, object_type="homework", object_id=homework.pk)


def test_discharging_a_client_writes_its_event_once(client_record, clinician, as_user):
    api = as_user(clinician)
    url = f"/api/v1/clients/{client_record.pk}/"

    assert api.patch(url, {"status": "discharged"}, format="json").status_code == 200
    assert api.patch(url, {"preferred_name": "Sam"}, format="json").status_code == 200

    (discharged,) = events(Topic.CLIENT_DISCHARGED)
    assert_thin(discharged, client=client_record, object_type="client", object_id=client_record.pk)


def test_a_measure_answered_and_one_expired_write_their_events(client_record, api_client):
    answered = MeasureInvitationFactory(client=client_record)
    lapsed = MeasureInvitationFactory(client=client_record)

    response = api_client.post(
        f"/api/v1/client-portal/invitations/{answered.token}/answers/",
        {"answers": {"phq9": [0] * 9}},
        format="json",
    )
    with transaction.atomic():
        expired = expire_due(lapsed.expires_at + timedelta(seconds=1))

    assert response.status_code == 201, response.content
    assert expired == 1
    (completed,) = events(Topic.MEASURE_COMPLETED)
    (lapsed_event,) = events(Topic.MEASURE_EXPIRED)
    assert_thin(
        completed, client=client_record, object_type="measure_invitation", object_id=answered.pk
    )
    assert_thin(
        lapsed_event, client=client_record, object_type="measure_invitation", object_id=lapsed.pk
    )


def test_a_change_rolled_back_writes_no_event(client_record, clinician):
    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        assessment_record(
            by=clinician,
            client=client_record,
            instrument="phq9",
            responses=PHQ9_AT_RISK,
            administered_on=timezone.localdate(),
        )
        assert len(events()) == 2
        raise Undone

    assert events() == []


def test_a_refused_request_writes_no_event(client_record, clinician, as_user):
    response = as_user(clinician).post(
        "/api/v1/assessments/",
        {
            "client": str(client_record.pk),
            "instrument": "phq9",
            "administered_on": timezone.localdate().isoformat(),
            "responses": [9] * 9,
        },
        format="json",
    )

    assert response.status_code == 400
    assert events() == []


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(client_record):
    with pytest.raises(RuntimeError, match="transaction"):
        emit(Topic.CLIENT_DISCHARGED, client_record, client_id=client_record.pk)
