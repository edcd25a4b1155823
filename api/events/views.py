from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from api.auth.models import User
from api.concurrency import ConditionalWriteMixin
from api.events import services
from api.events.models import WebhookDelivery, WebhookEndpoint
from api.events.serializers import (
    ReplayedSerializer,
    ReplaySinceSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
)
from api.permissions import IsAdmin
from api.viewsets import ScopedViewSetMixin


class IsWebhookAdmin(IsAdmin):
    message = "Only an administrator of the practice manages its webhooks."


class PracticeWebhooksMixin(
    AuditedViewMixin, ConditionalWriteMixin, AtomicRequestMixin, ScopedViewSetMixin
):
    """Admins of the practice only; records carry ETags and changes honour If-Match; every
    change audited (reads hold no client's data). No Idempotency-Key: a stored answer would
    keep a signing secret, shown once and stored nowhere else."""

    permission_classes = [IsAuthenticated, IsWebhookAdmin]
    audit_reads = False

    def scope(self, user: User) -> Q:
        return Q(practice_id=user.practice_id)


@extend_schema(tags=["webhooks"])
@extend_schema_view(destroy=extend_schema(responses={204: None}))
class WebhookEndpointViewSet(PracticeWebhooksMixin, viewsets.ModelViewSet):
    """The practice's webhook endpoints (docs/webhooks.md). Admins only (403 for others)."""

    reads_from_replica = True
    queryset = WebhookEndpoint.objects.all()
    audit_object_type = "webhook_endpoint"
    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering = ("-created_at", "id")

    @extend_schema(responses={201: WebhookEndpointWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        """Register an endpoint; its signing secret is in this response and never again."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(
            practice_id=request.user.practice_id, **serializer.validated_data
        )
        body = WebhookEndpointWithSecretSerializer(endpoint).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.endpoint_update(serializer.instance, **serializer.validated_data)

    @extend_schema(request=None, responses={200: WebhookEndpointWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, shown this once; the previous one still signs for 24 hours."""
        endpoint = services.rotate_secret(self.get_object())
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first: status, attempts, latency, last code."""
        endpoint = self.get_object()
        rows = endpoint.deliveries.select_related("event").order_by("-created_at", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=ReplaySinceSerializer, responses={202: ReplayedSerializer})
    @action(detail=True, methods=["post"], serializer_class=ReplaySinceSerializer)
    def replay(self, request, pk=None):
        """Send every event of the endpoint's topics since a time again, in order."""
        endpoint = self.get_object()
        serializer = ReplaySinceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.replay_since(endpoint, serializer.validated_data["since"])
        return Response({"replayed": count}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(
    PracticeWebhooksMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The practice's delivery log, newest first (each endpoint's own:
    `/webhook-endpoints/{id}/deliveries/`), one delivery, and its replay."""

    reads_from_replica = True
    queryset = WebhookDelivery.objects.select_related("event")
    ordering = ("-created_at", "id")
    audit_object_type = "webhook_delivery"
    serializer_class = WebhookDeliverySerializer

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send this delivery again, with the same `webhook-id`, whatever became of it."""
        delivery = self.get_object()
        services.replay(WebhookDelivery.objects.filter(pk=delivery.pk))
        delivery.refresh_from_db()
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
