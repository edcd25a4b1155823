"""The events' payloads as the OpenAPI document describes them (components `WebhookEvent` and
its parts, which docs/webhooks.md links to): what the outbox sends is what the document says,
for every topic."""

from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

from api.events.models import OutboxEvent, Topic

COMPONENTS = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())[
    "components"
]["schemas"]


def validate(payload: dict) -> None:
    schema = {**COMPONENTS["WebhookEvent"], "components": {"schemas": COMPONENTS}}
    jsonschema.validate(payload, schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.django_db
@pytest.mark.parametrize("topic", Topic)
def test_every_topic_s_payload_is_a_webhook_event(topic, client_record):
    event = OutboxEvent.objects.create(
        practice_id=client_record.practice_id,
        topic=topic,
        client_id=client_record.pk,
        object_type=topic.object_type,
        object_id=client_record.pk,
    )
    event.refresh_from_db()

    validate(event.payload)


@pytest.mark.parametrize(
    "change",
    [
        {"type": "client.renamed"},
        {"timestamp": 1764494102},
        {"data": {"practice": "not-an-id", "client": None, "object": {}}},
        {"name": "Ada"},
    ],
    ids=["unknown topic", "timestamp not a string", "bad data", "a name"],
)
def test_the_schema_refuses_what_rootwise_never_sends(change):
    payload = {
        "type": "client.discharged",
        "timestamp": "2026-11-30T09:15:02.118000Z",
        "data": {
            "practice": "5b0f3f3c-0d2a-4a43-9d55-0f1f3c1b1a10",
            "client": "9d2c2f1e-7a55-4f0e-8a11-51bd1a9e2c01",
            "object": {"type": "client", "id": "9d2c2f1e-7a55-4f0e-8a11-51bd1a9e2c01"},
        },
    }
    validate(payload)

    with pytest.raises(jsonschema.ValidationError):
        validate({**payload, **change})
