from rest_framework import serializers

from api.events import ssrf
from api.events.models import Topic, WebhookDelivery, WebhookEndpoint
from api.strict_input import BoundedListField


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """A webhook endpoint, without its secret (shown once, when created or rotated)."""

    topics = BoundedListField(
        child=serializers.ChoiceField(choices=Topic.choices),
        allow_empty=False,
        max_length=len(Topic.values),
        help_text="The topics sent to this endpoint: at least one.",
    )
    allow_private_network = serializers.BooleanField(
        required=False,
        help_text=(
            "Whether the URL may resolve to a private, loopback or link-local address: for a "
            "receiver on the practice's own network (on premises). Off by default."
        ),
    )
    secret_rotation_ends_at = serializers.DateTimeField(
        source="previous_secret_expires_at",
        read_only=True,
        allow_null=True,
        help_text="Until when the previous secret also signs deliveries, after a rotation; "
        "null when only one secret signs.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "topics",
            "enabled",
            "allow_private_network",
            "disabled_reason",
            "failing_since",
            "secret_rotation_ends_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "disabled_reason", "failing_since", "created_at", "updated_at"]

    def validate_topics(self, topics: list[str]) -> list[str]:
        return list(dict.fromkeys(topics))

    def validate(self, attrs: dict) -> dict:
        url = attrs.get("url", getattr(self.instance, "url", None))
        allow = attrs.get(
            "allow_private_network", getattr(self.instance, "allow_private_network", False)
        )
        if "url" in attrs or "allow_private_network" in attrs:
            try:
                ssrf.check(url, allow_private_network=allow)
            except ssrf.RefusedURL as refused:
                raise serializers.ValidationError({"url": [str(refused)]}) from None
        return attrs


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The endpoint and its signing secret, shown this once."""

    secret = serializers.CharField(
        read_only=True,
        help_text=(
            "The signing secret (`whsec_…`), shown only in this response: keep it where the "
            "receiver verifies signatures."
        ),
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event's delivery to one endpoint: ids and outcome, never the receiver's answer."""

    topic = serializers.CharField(source="event.topic", read_only=True)
    webhook_id = serializers.UUIDField(
        source="event_id", read_only=True, help_text="The `webhook-id` of every attempt."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "webhook_id",
            "topic",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_latency_ms",
            "last_error",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class ReplaySinceSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Replay every event of the topics since then.")


class ReplayedSerializer(serializers.Serializer):
    replayed = serializers.IntegerField(help_text="How many deliveries will be sent again.")
