"""The events Rootwise sends to webhook endpoints, as components of the OpenAPI document
(docs/webhooks.md links to them): no operation returns them, so they are added after the
document is generated, from the same topics and object types the outbox writes."""

from api.events.models import Topic

_UUID = {"type": "string", "format": "uuid"}


def event_payloads(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["WebhookEventObjectTypeEnum"] = {
        "enum": sorted({topic.object_type for topic in Topic}),
        "type": "string",
        "description": "The object of each topic's events:\n"
        + "\n".join(f"* `{topic.value}` - `{topic.object_type}`" for topic in Topic),
    }
    schemas["WebhookEvent"] = {
        "type": "object",
        "description": (
            "The JSON body of every webhook delivery (docs/webhooks.md), signed as Standard "
            "Webhooks describes. Ids only: the receiver fetches what it may see through the API."
        ),
        "properties": {
            "type": {"$ref": "#/components/schemas/WebhookTopicEnum"},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When the change happened, in UTC.",
            },
            "data": {"$ref": "#/components/schemas/WebhookEventData"},
        },
        "required": ["type", "timestamp", "data"],
        "additionalProperties": False,
    }
    schemas["WebhookEventData"] = {
        "type": "object",
        "properties": {
            "practice": {**_UUID, "description": "The practice's id."},
            "client": {**_UUID, "description": "The client the record belongs to."},
            "object": {"$ref": "#/components/schemas/WebhookEventObject"},
        },
        "required": ["practice", "client", "object"],
        "additionalProperties": False,
    }
    schemas["WebhookEventObject"] = {
        "type": "object",
        "description": "The record the event is about: fetch it at its resource by `id`.",
        "properties": {
            "type": {"$ref": "#/components/schemas/WebhookEventObjectTypeEnum"},
            "id": _UUID,
        },
        "required": ["type", "id"],
        "additionalProperties": False,
    }
    return result
