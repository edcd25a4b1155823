from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from api.examples import request_example
from api.schema import problem
from api.viewsets import ClientRecordMixin
from assessments.progress import client_progress
from assessments.serializers import ProgressSerializer
from clients import services
from clients.access import client_access, clinical_client_or_404, require_write
from clients.filters import ClientFilter
from clients.models import Client
from clients.selectors import clients_for_reading
from clients.serializers import ClientSerializer
from sessions.homework.selectors import homework_adherence
from sessions.homework.serializers import HomeworkAdherenceSerializer


@extend_schema(tags=["clients"])
@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "A new client",
                "A client at intake, with the root of insecurity that presents first",
                {
                    "given_name": "Ethan",
                    "family_name": "Walsh",
                    "date_of_birth": "1996-04-12",
                    "presenting_roots": [
                        {
                            "root": "early_childhood",
                            "severity": 4,
                            "is_primary": True,
                            "note": "Achievements seldom acknowledged by his parents.",
                        }
                    ],
                },
            )
        ]
    ),
    destroy=extend_schema(responses={204: None, **problem(409)}),
    homework_summary=extend_schema(responses=HomeworkAdherenceSerializer),
    progress=extend_schema(summary="Read a client's progress", responses=ProgressSerializer),
)
class ClientViewSet(ClientRecordMixin, viewsets.ModelViewSet):
    """Clients of the practice that you may see: your own caseload (primary clinician or care
    team); a supervisor also reads, but cannot change, their supervisees' clients; an admin
    manages every client's administrative fields and sees no clinical content. A client with
    clinical records cannot be deleted: discharge them."""

    queryset = Client.objects.all()
    audit_object_type = "client"
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    ordering = ["family_name", "given_name"]

    def scope(self, user):
        return client_access(user)

    def get_queryset(self):
        return clients_for_reading(super().get_queryset(), self.request.user)

    def get_object(self):
        client = super().get_object()
        if self.request.method not in SAFE_METHODS:
            require_write(self.request.user, client)
        return client

    def _reread(self, client: Client) -> Client:
        return clients_for_reading(Client.objects.filter(pk=client.pk), self.request.user).get()

    def perform_create(self, serializer):
        user = self.request.user
        client = services.client_create(
            practice=user.practice, by=user, **serializer.validated_data
        )
        serializer.instance = self._reread(client)

    def perform_update(self, serializer):
        client = services.client_update(
            client=serializer.instance, by=self.request.user, **serializer.validated_data
        )
        serializer.instance = self._reread(client)

    def perform_destroy(self, instance):
        services.client_delete(client=instance)

    @action(detail=True, methods=["get"], url_path="homework-summary", filter_backends=[])
    def homework_summary(self, request, pk=None):
        """Homework adherence, overall and by strategy. Clinical content: admins get 404."""
        client = clinical_client_or_404(request.user, pk)
        return Response(HomeworkAdherenceSerializer(homework_adherence(client)).data)

    @action(detail=True, methods=["get"], filter_backends=[])
    def progress(self, request, pk=None):
        """Outcomes per instrument (baseline, latest, reliable change, caseness), the paired
        PHQ-9/GAD-7 outcomes (recovery, reliable improvement, deterioration and recovery), roots
        over time, homework adherence, session counts and open risk flags. Admins get 404."""
        client = clinical_client_or_404(request.user, pk)
        return Response(ProgressSerializer(client_progress(client)).data)
