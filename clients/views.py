from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from api.examples import request_example
from api.schema import problem
from api.viewsets import ClientRecordMixin
from clients import services
from clients.access import client_access, require_write
from clients.filters import ClientFilter
from clients.models import Client
from clients.selectors import clients_for_reading
from clients.serializers import ClientSerializer


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
)
class ClientViewSet(ClientRecordMixin, viewsets.ModelViewSet):
    """Clients of the practice that you may see: your own caseload (primary clinician or care
    team); a supervisor also reads, but cannot change, their supervisees' clients; an admin
    manages every client's administrative fields and sees no clinical content. A client with
    clinical records cannot be deleted: discharge them."""

    queryset = Client.objects.all()
    audit_object_type = "client"
    audit_client_field = "id"
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
