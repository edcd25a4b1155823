"""Delivery from the outbox (api/events/tasks.py, delivery.py) to a real receiver on loopback:
signed as Standard Webhooks says, thin payloads, retried with the same `webhook-id` until a 2xx,
an endpoint failing for a day disabled and its admins told; the delivery log and replays."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from api.events.models import DeliveryStatus, OutboxEvent, Topic, WebhookDelivery
from api.events.services import rotate_secret
from api.events.tasks import dispatch
from tests.webhooks.test_event_schema import validate as validate_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """One run of the dispatch tick, its delivery tasks run as they are sent."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return dispatch()

    return run


def due_now():
    """Move every pending retry to now, as the clock reaching it would."""
    WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def verified(request: dict, secret: str) -> dict:
    return Webhook(secret).verify(request["body"], request["headers"])


def test_an_assessment_at_risk_reaches_the_receiver_signed_and_without_phi(
    receiver, endpoint_to, record_phq9_at_risk, client_record, tick
):
    endpoint = endpoint_to(receiver.url, Topic.ASSESSMENT_RECORDED, Topic.RISK_FLAG_RAISED)
    assessment = record_phq9_at_risk()

    assert tick() == {"fanned_out": 2, "sent": 2}

    by_type = {verified(r, endpoint.secret)["type"]: r for r in receiver.requests}
    assert set(by_type) == {"assessment.recorded", "risk_flag.raised"}
    recorded = json.loads(by_type["assessment.recorded"]["body"])
    assert recorded["data"] == {
        "practice": str(client_record.practice_id),
        "client": str(client_record.pk),
        "object": {"type": "assessment", "id": assessment["id"]},
    }
    flag = client_record.risk_flags.get()
    assert json.loads(by_type["risk_flag.raised"]["body"])["data"]["object"] == {
        "type": "risk_flag",
        "id": str(flag.pk),
    }
    for request in receiver.requests:
        event = OutboxEvent.objects.get(pk=request["headers"]["webhook-id"])
        assert json.loads(request["body"]) == event.payload
        validate_event(event.payload)
        assert request["headers"]["content-type"] == "application/json"
        text = request["body"].lower()
        for private in (client_record.given_name, client_record.family_name):
            assert private.lower() not in text
        for clinical in ("score", "responses", "answers", "severity", "item"):
            assert clinical not in text
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert tick() == {"fanned_out": 0, "sent": 0}
    assert len(receiver.requests) == 2


def test_a_receiver_failing_three_times_gets_one_delivery_with_one_webhook_id(
    receiver, endpoint_to, record_phq9_at_risk, tick
):
    receiver.statuses = [500, 503, 500, 200]
    endpoint = endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    record_phq9_at_risk()

    tick()
    retries = []
    for _ in range(3):
        row = WebhookDelivery.objects.get()
        retries.append(row.next_attempt_at - row.last_attempt_at)
        assert tick() == {"fanned_out": 0, "sent": 0}  # not due yet
        due_now()
        tick()

    (row,) = WebhookDelivery.objects.all()
    assert row.status == DeliveryStatus.SUCCEEDED
    assert row.attempts == 4
    assert row.last_status_code == 200
    assert row.last_error == ""
    assert row.delivered_at is not None
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert ids == {str(row.event_id)}
    assert len(receiver.requests) == 4
    for request in receiver.requests:
        verified(request, endpoint.secret)
    assert all(timedelta(seconds=15) <= wait <= timedelta(minutes=2) for wait in retries)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_during_a_rotation_both_secrets_sign_and_after_it_only_the_new(
    receiver, endpoint_to, record_phq9_at_risk, tick
):
    endpoint = endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    old_secret = endpoint.secret
    rotate_secret(endpoint)
    record_phq9_at_risk()

    tick()
    (during,) = receiver.requests
    assert len(during["headers"]["webhook-signature"].split(" ")) == 2
    verified(during, old_secret)
    verified(during, endpoint.secret)

    endpoint.previous_secret_expires_at = timezone.now() - timedelta(seconds=1)
    endpoint.save()
    WebhookDelivery.objects.update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())
    tick()
    after = receiver.requests[1]
    verified(after, endpoint.secret)
    with pytest.raises(Exception, match="No matching signature"):
        verified(after, old_secret)


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_admins_told(
    receiver, endpoint_to, record_phq9_at_risk, client_record, admin, tick
):
    receiver.statuses = [500]
    endpoint = endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    record_phq9_at_risk()
    tick()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    assert endpoint.enabled is True
    mail.outbox = []

    type(endpoint).objects.update(failing_since=timezone.now() - timedelta(hours=24))
    due_now()
    tick()

    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert "24 hours" in endpoint.disabled_reason
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert str(endpoint.pk) in message.body
    assert client_record.family_name not in message.body
    due_now()
    assert tick() == {"fanned_out": 0, "sent": 0}  # waits for an admin to enable it again


def test_retries_give_up_after_their_window(receiver, endpoint_to, record_phq9_at_risk, tick):
    receiver.statuses = [500]
    endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    record_phq9_at_risk()
    tick()

    WebhookDelivery.objects.update(retrying_since=timezone.now() - timedelta(hours=26))
    due_now()
    tick()

    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.FAILED
    assert row.next_attempt_at is None
    assert row.attempts == 2


def test_only_enabled_endpoints_subscribed_to_the_topic_get_the_event(
    receiver, endpoint_to, record_phq9_at_risk, tick
):
    endpoint_to(receiver.url, Topic.SESSION_SIGNED)
    disabled = endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    disabled.enabled = False
    disabled.save()
    record_phq9_at_risk()

    assert tick() == {"fanned_out": 0, "sent": 0}
    assert receiver.requests == []


def test_the_delivery_log_and_replaying_one_delivery(
    receiver, endpoint_to, record_phq9_at_risk, admin, as_user, tick
):
    endpoint = endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    record_phq9_at_risk()
    tick()

    log = as_user(admin).get(f"/api/v1/webhook-endpoints/{endpoint.pk}/deliveries/")
    assert log.status_code == 200, log.content
    (entry,) = log.json()["results"]
    assert entry["status"] == "succeeded"
    assert entry["attempts"] == 1
    assert entry["last_status_code"] == 204
    assert entry["last_latency_ms"] >= 0
    assert entry["topic"] == "risk_flag.raised"

    replayed = as_user(admin).post(f"/api/v1/webhook-deliveries/{entry['id']}/replay/")
    assert replayed.status_code == 202, replayed.content
    assert replayed.json()["status"] == "pending"
    tick()
    first, again = receiver.requests
    assert first["headers"]["webhook-id"] == again["headers"]["webhook-id"] == entry["webhook_id"]
    assert WebhookDelivery.objects.get().attempts == 2


def test_replaying_since_a_time_sends_what_an_endpoint_missed(
    receiver, endpoint_to, record_phq9_at_risk, admin, as_user, tick
):
    before = timezone.now() - timedelta(minutes=1)
    record_phq9_at_risk()
    tick()  # no endpoint yet: nothing sent
    endpoint = endpoint_to(receiver.url, Topic.ASSESSMENT_RECORDED)

    response = as_user(admin).post(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/",
        {"since": before.isoformat()},
        format="json",
    )
    assert response.status_code == 202, response.content
    assert response.json() == {"replayed": 1}
    tick()

    (request,) = receiver.requests
    assert verified(request, endpoint.secret)["type"] == "assessment.recorded"


def test_a_bad_replay_time_is_refused(endpoint_to, admin, as_user):
    endpoint = endpoint_to("https://93.184.216.34/")
    response = as_user(admin).post(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/", {"since": "yesterday"}, format="json"
    )

    assert response.status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_deliveries_of_another_practice_cannot_be_replayed(
    receiver, endpoint_to, record_phq9_at_risk, stranger, clinician, as_user, tick
):
    endpoint_to(receiver.url, Topic.RISK_FLAG_RAISED)
    record_phq9_at_risk()
    tick()
    row = WebhookDelivery.objects.get()

    assert as_user(stranger).post(f"/api/v1/webhook-deliveries/{row.pk}/replay/").status_code == 404
    assert (
        as_user(clinician).post(f"/api/v1/webhook-deliveries/{row.pk}/replay/").status_code == 403
    )
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SUCCEEDED
