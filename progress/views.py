from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from clients.access import clinical_client_or_404
from progress.selectors import client_progress
from progress.serializers import ProgressSerializer


@extend_schema_view(
    get=extend_schema(
        summary="Read a client's progress",
        tags=["clients"],
        operation_id="clients_progress",
        responses=ProgressSerializer,
    )
)
class ClientProgressView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """Outcomes per instrument (baseline, latest, reliable change, caseness), the paired
    PHQ-9/GAD-7 outcomes (recovery, reliable improvement, deterioration and recovery), roots
    over time, homework adherence, session counts and open risk flags. Admins get 404."""

    name = "Progress"  # as OPTIONS names it
    audit_object_type = "client"
    audit_client_field = "id"

    def get(self, request, pk):
        client = clinical_client_or_404(request.user, pk)
        return Response(ProgressSerializer(client_progress(client)).data)
