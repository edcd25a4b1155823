"""The caller's own practice: its name and time zone, read by everyone in it, set by its admins."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from api.audit.mixins import AuditedViewMixin
from api.auth import services
from api.auth.models import Practice
from api.permissions import ReadOnlyUnlessAdmin
from api.schema import IF_MATCH, problem
from api.timezones import TIME_ZONE_HELP
from api.viewsets import RecordMixin


class PracticeSettingsSerializer(serializers.ModelSerializer):
    """The practice you belong to."""

    # A string, not an enum: the tz database holds some 600 names and changes with its releases.
    time_zone = serializers.CharField(max_length=64, help_text=TIME_ZONE_HELP)

    crisis_text = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        help_text=Practice._meta.get_field("crisis_text").help_text,
    )
    crisis_text_shown = serializers.CharField(
        source="crisis_message",
        read_only=True,
        help_text="What clients read: `crisis_text`, or the default while it is empty.",
    )

    class Meta:
        model = Practice
        fields = [
            "id",
            "name",
            "time_zone",
            "mfa_required",
            "measure_expiry_days",
            "risk_alert_escalation_hours",
            "crisis_text",
            "crisis_text_shown",
            "note_signing_hours",
            "reassessment_days",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "measure_expiry_days": {"min_value": 1, "max_value": 30},
            "risk_alert_escalation_hours": {"min_value": 1, "max_value": 168},
            "note_signing_hours": {"min_value": 1, "max_value": 720},
            "reassessment_days": {"min_value": 7, "max_value": 365},
        }


class CallersPracticeView(generics.RetrieveUpdateAPIView):
    """The record is the caller's practice: there is no other to name."""

    def get_object(self) -> Practice:
        practice = Practice.objects.get(pk=self.request.user.practice_id)
        self.check_object_permissions(self.request, practice)
        return practice


@extend_schema(tags=["practice"])
@extend_schema_view(
    get=extend_schema(operation_id="practice_retrieve", summary="Read your practice"),
    patch=extend_schema(
        operation_id="practice_partial_update",
        summary="Change your practice",
        parameters=[IF_MATCH],
        responses={200: PracticeSettingsSerializer, **problem(412)},
    ),
)
class PracticeView(AuditedViewMixin, RecordMixin, CallersPracticeView):
    """Your practice: its name; its time zone, which decides every date Rootwise derives
    from a moment (today; the day a session took place); whether it requires two-factor
    sign-in of all staff (`mfa_required`); and its defaults for measures between sessions: how
    long links stay open, when an unacknowledged risk alert is sent again, and the crisis text
    a client at risk reads (docs/measures.md); and when the work queues list an unsigned note
    or a client due for reassessment. Everyone in the practice reads it; only its admins
    change it (403 otherwise). Every change is audited."""

    audit_object_type = "practice"
    audit_reads = False
    serializer_class = PracticeSettingsSerializer
    http_method_names = ["get", "patch", "head"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticated()]
        return [IsAuthenticated(), ReadOnlyUnlessAdmin()]

    def perform_update(self, serializer):
        serializer.instance = services.practice_update(
            practice=serializer.instance, **serializer.validated_data
        )

    def _audit_object_id(self, response):
        return self.request.user.practice_id
