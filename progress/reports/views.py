from django.http import StreamingHttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import replica
from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from api.audit.models import AuditAction
from api.filters import BOOLEAN_WORDS, refuse_unknown_parameters
from api.problems import PROBLEM_MEDIA_TYPE
from api.schema import problem
from api.tenancy import practice_scope
from assessments.serializers import AssessmentSerializer
from clients.access import clinical_client_or_404, clinical_clients
from clients.filters import ClientFilter
from clients.models import ClientStatus
from progress.reports import csv_export
from progress.reports.data import report_data
from progress.reports.fhir import fhir_bundle
from progress.reports.pdf import report_pdf
from progress.reports.renderers import (
    CSVRenderer,
    ExportNegotiation,
    FHIRRenderer,
    PDFRenderer,
)
from progress.reports.selectors import caseload_outcomes
from progress.serializers import ProgressSerializer


class ClientReportSerializer(serializers.Serializer):
    progress = ProgressSerializer()
    administrations = AssessmentSerializer(many=True, help_text="Non-void, oldest first.")


class ExportView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """Errors are problem documents whatever format was asked for; every export is audited."""

    content_negotiation_class = ExportNegotiation
    audit_action = AuditAction.EXPORT

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = PROBLEM_MEDIA_TYPE
        return super().finalize_response(request, response, *args, **kwargs)


def _stream_csv(lines, filename: str, practice_id) -> StreamingHttpResponse:
    """The lines are read as they are sent, after the view's transaction: in a scope of their
    own in the caller's practice, from the database the view read from."""
    reads = replica.reads_later(practice_id)

    def scoped_lines():
        with practice_scope(practice_id), reads():
            yield from lines

    response = StreamingHttpResponse(scoped_lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CLIENT_REPORT_SCHEMA = extend_schema(
    summary="Download a client's progress report",
    tags=["reports"],
    operation_id="clients_report",
    parameters=[
        OpenApiParameter(
            "format",
            str,
            enum=["json", "pdf", "csv", "fhir"],
            description="Overrides the Accept header.",
        ),
        OpenApiParameter(
            "include",
            str,
            enum=["notes"],
            description="`notes` adds clinical note text to the PDF; it is left out otherwise.",
        ),
    ],
    responses={
        # Binary first: generators that keep one media type per response then give a
        # download that works for every format (the JSON document is also typed below).
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        (200, "application/fhir+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="A FHIR R4B Bundle of type collection."
        ),
        (200, "application/json"): ClientReportSerializer,
        **problem(406, "None of the requested formats is produced; the detail lists them."),
    },
)


@extend_schema_view(get=CLIENT_REPORT_SCHEMA)
class ClientReportView(ExportView):
    """A client's progress report: a PDF to hand over (charts with bands, outcomes in plain
    words, risk flags open and acknowledged, roots of insecurity, homework adherence), CSV rows
    of the administrations, the progress document as JSON, or a FHIR R4B Bundle (served as
    `application/fhir+json; fhirVersion=4.3`). Chosen by `Accept` or `?format=`. Clinical
    content: admins get 404."""

    reads_from_replica = True
    renderer_classes = [JSONRenderer, PDFRenderer, CSVRenderer, FHIRRenderer]
    audit_object_type = "client"
    audit_client_field = "id"

    def get(self, request, pk):
        client = clinical_client_or_404(request.user, pk)
        refuse_unknown_parameters(request.query_params, ("format", "include"))
        include = request.query_params.get("include")
        if include not in (None, "notes"):
            raise serializers.ValidationError({"include": ['The only choice is "notes".']})
        data = report_data(client.pk, include_notes=include == "notes")
        name = slugify(f"{client.family_name}-{client.given_name}") or "client"
        export_format = request.accepted_renderer.format
        if export_format == "csv":
            lines = csv_export.csv_lines(
                csv_export.ADMINISTRATION_COLUMNS,
                csv_export.administration_rows(data.administrations),
            )
            return _stream_csv(lines, f"rootwise-{name}-assessments.csv", request.user.practice_id)
        if export_format == "pdf":
            response = Response(report_pdf(data))
            response["Content-Disposition"] = f'attachment; filename="rootwise-{name}-report.pdf"'
            return response
        if export_format == "fhir":
            return Response(fhir_bundle(data))
        return Response(
            ClientReportSerializer(
                {"progress": data.progress, "administrations": data.administrations}
            ).data
        )


class OutcomeFilter(ClientFilter):
    class Meta(ClientFilter.Meta):
        fields = ["status", "clinician"]


@extend_schema_view(
    get=extend_schema(
        summary="Download the outcomes of your caseload (CSV)",
        tags=["reports"],
        operation_id="reports_outcomes",
        parameters=[
            OpenApiParameter("clinician", OpenApiTypes.UUID, description="Primary or care team."),
            OpenApiParameter("status", str, enum=ClientStatus.values),
            OpenApiParameter("administered_after", OpenApiTypes.DATE),
            OpenApiParameter("administered_before", OpenApiTypes.DATE),
            OpenApiParameter(
                "bom",
                bool,
                description="`true` (or `1`) starts the file with a UTF-8 byte order mark, so "
                "that spreadsheet programs read accented names right; `false` (or `0`), the "
                "default, leaves it out. Any other value is a 400.",
            ),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **problem(406)},
    )
)
class OutcomesReportView(ExportView):
    """Service evaluation: one CSV row per client and instrument (baseline, latest, change,
    reliable change, no longer a case) followed by the client's NHS Talking Therapies paired
    outcomes (PHQ-9 with GAD-7: caseness at baseline, recovery, reliable improvement,
    reliable deterioration, reliable recovery), over the clients whose clinical records you may
    see, with administrations in the date range. Booleans are `true`/`false`, not applicable
    is empty. Streamed."""

    reads_from_replica = True
    renderer_classes = [CSVRenderer]
    audit_object_type = "outcomes_report"
    _clients_reported = ()

    def get(self, request):
        refuse_unknown_parameters(
            request.query_params,
            ("format", "bom", *OutcomeFilter.Meta.fields, *DateRangeSerializer().fields),
        )
        clients = OutcomeFilter(
            request.query_params,
            queryset=clinical_clients(request.user),
        )
        if not clients.is_valid():
            raise serializers.ValidationError(clients.errors)
        # A plain dict: as form data, an empty date would be silently dropped instead of refused.
        dates = DateRangeSerializer(data=request.query_params.dict())
        dates.is_valid(raise_exception=True)
        byte_order_mark = _yes_or_no(request.query_params, "bom")
        self._clients_reported, outcomes = caseload_outcomes(clients.qs, **dates.lookups())
        rows = csv_export.outcome_rows(outcomes)
        lines = csv_export.csv_lines(
            csv_export.OUTCOME_COLUMNS, rows, byte_order_mark=byte_order_mark
        )
        return _stream_csv(lines, "rootwise-outcomes.csv", request.user.practice_id)

    def clients_served(self) -> list:
        return self._clients_reported


def _yes_or_no(query_params, name: str) -> bool:
    """A yes/no query parameter, refused as the list filters refuse theirs."""
    value = query_params.get(name)
    if value is None:
        return False
    if value == "":
        raise serializers.ValidationError({name: ["Give a value, or leave the parameter out."]})
    if value not in BOOLEAN_WORDS:
        raise serializers.ValidationError({name: ["Give true or false."]})
    return value in ("true", "1")


class DateRangeSerializer(serializers.Serializer):
    administered_after = serializers.DateField(required=False)
    administered_before = serializers.DateField(required=False)

    def lookups(self) -> dict:
        data = self.validated_data
        lookups = {}
        if "administered_after" in data:
            lookups["administered_on__gte"] = data["administered_after"]
        if "administered_before" in data:
            lookups["administered_on__lte"] = data["administered_before"]
        return lookups
