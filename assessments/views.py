from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.examples import EXAMPLE_CLIENT_ID, request_example
from api.schema import problem
from api.viewsets import ClientRecordMixin
from assessments import services
from assessments.filters import AssessmentFilter, RiskFlagFilter
from assessments.instruments import INSTRUMENTS
from assessments.instruments.serializers import InstrumentSerializer
from assessments.models import Assessment, RiskFlag
from assessments.serializers import (
    AcknowledgeSerializer,
    AssessmentSerializer,
    RiskFlagSerializer,
    VoidSerializer,
)
from clients.access import clinical_access
from clients.views import ClientNamesMixin


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(operation_id="instruments_list", summary="List the instruments"),
    retrieve=extend_schema(
        summary="Read an instrument",
        operation_id="instruments_retrieve",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, enum=list(INSTRUMENTS))],
    ),
)
class InstrumentViewSet(viewsets.ViewSet):
    """The standardized instruments Rootwise scores, with items, options, bands and outcome
    parameters: everything a front end needs to render a questionnaire."""

    serializer_class = InstrumentSerializer
    lookup_field = "code"
    lookup_value_converter = "str"
    pagination_class = None

    def list(self, request):
        return Response(InstrumentSerializer(INSTRUMENTS.values(), many=True).data)

    def retrieve(self, request, code=None):
        if code not in INSTRUMENTS:
            raise Http404
        return Response(InstrumentSerializer(INSTRUMENTS[code]).data)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "A PHQ-9",
                "A PHQ-9 the client completed: nine answers, from 0 to 3",
                {
                    "client": EXAMPLE_CLIENT_ID,
                    "instrument": "phq9",
                    "administered_on": "2026-03-02",
                    "source": "self_report",
                    "responses": [1, 2, 1, 1, 0, 2, 1, 1, 0],
                },
            )
        ]
    ),
    void=extend_schema(
        request=VoidSerializer,
        responses={200: AssessmentSerializer, **problem(409, "Already void.")},
    ),
)
class AssessmentViewSet(
    ClientNamesMixin,
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Administrations of standardized instruments for the clients you may see, scored by the
    server. Never edited or deleted (405): a mistaken one is voided with a reason, which keeps
    it on record and leaves it out of progress. Voided ones are listed only with
    `include_voided=true`. Admins see none."""

    reads_from_replica = True
    queryset = Assessment.objects.all()
    audit_object_type = "assessment"
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering = ("-administered_on", "-created_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and "include_voided" not in self.request.query_params:
            # Lists leave voided administrations out by default; a voided one is still read,
            # and voided again (409), by its id.
            queryset = queryset.filter(voided_at__isnull=True)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.assessment_record(
            by=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void an administration, with a reason. Its risk flags stay open."""
        assessment = self.get_object()
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_void(
            assessment=assessment, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(assessment).data, status=status.HTTP_200_OK)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    acknowledge=extend_schema(
        request=AcknowledgeSerializer,
        responses={200: RiskFlagSerializer, **problem(409, "Already acknowledged.")},
    ),
)
class RiskFlagViewSet(
    ClientNamesMixin,
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Risk flags raised by assessment answers (a PHQ-9 with item 9 above 0). A flag stays
    open until a clinician of the client acknowledges it with a note; voiding the assessment
    does not close it. Admins see none."""

    reads_from_replica = True
    queryset = RiskFlag.objects.select_related("assessment")
    audit_object_type = "risk_flag"
    serializer_class = RiskFlagSerializer
    filterset_class = RiskFlagFilter
    ordering = ("-raised_on", "-created_at", "id")

    def scope(self, user):
        return clinical_access(user)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge the risk, saying what was done; who and when are kept."""
        flag = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.risk_flag_acknowledge(
            flag=flag, by=request.user, note=serializer.validated_data["note"]
        )
        return Response(self.get_serializer(flag).data)
