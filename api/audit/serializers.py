from rest_framework import serializers

from api.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    """One audited access: identifiers only, never clinical values."""

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_invitation_id",
            "action",
            "object_type",
            "object_id",
            "client_id",
            "outcome",
            "status_code",
            "ip",
            "user_agent",
            "request_id",
            "method",
            "path",
        ]
        read_only_fields = fields
