from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from assessments.measures.models import MeasureInvitation
from assessments.measures.selectors import completion_by_clinician
from clients.access import clinical_access, clinical_client_or_404
from progress.selectors import client_progress
from progress.serializers import ClinicianMeasureCompletionSerializer, ProgressSerializer


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

    reads_from_replica = True
    name = "Progress"  # as OPTIONS names it
    audit_object_type = "client"
    audit_client_field = "id"

    def get(self, request, pk):
        client = clinical_client_or_404(request.user, pk)
        return Response(ProgressSerializer(client_progress(client)).data)


@extend_schema_view(
    get=extend_schema(
        summary="Read how clients keep up with measures, per clinician",
        tags=["reports"],
        operation_id="reports_measure_completion",
        responses=ClinicianMeasureCompletionSerializer(many=True),
    )
)
class MeasureCompletionView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """For each primary clinician of the clients whose clinical records you may see: measure
    invitations sent, completed and expired. Counts only, no client's data; one row per
    clinician with any invitation. Admins get an empty list."""

    reads_from_replica = True
    name = "Measure completion"
    audit_object_type = "measure_completion"
    pagination_class = None

    def get(self, request):
        invitations = MeasureInvitation.objects.filter(clinical_access(request.user))
        rows = completion_by_clinician(invitations)
        return Response(ClinicianMeasureCompletionSerializer(rows, many=True).data)
