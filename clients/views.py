from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS

from api.examples import request_example
from api.filters import MomentField, deletions, refuse_unknown_parameters
from api.pagination import CursorPage
from api.schema import problem
from api.viewsets import ClientRecordMixin
from clients import services
from clients.access import client_access, require_write
from clients.filters import ClientFilter
from clients.models import Client
from clients.selectors import clients_for_reading
from clients.serializers import ClientSerializer


class ClientNamesMixin:
    """A viewset of records of a client, each naming its client (`client_name`,
    `clients.serializers.ClientNameField`), whose client is read in the page's own query."""

    def get_queryset(self):
        return super().get_queryset().select_related("client")


class DeletionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="object_id", help_text="The id of the deleted record.")
    deleted_at = serializers.DateTimeField(source="at")


class DeletionPage(CursorPage):
    """Deletions in the order they happened."""

    ordering = ("at", "id")

    def get_ordering(self, request, queryset, view):
        return self.ordering


DELETIONS_SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="Deletions at or after this moment (RFC 3339, with its offset); every one "
    "unless given.",
)


class DeletionsMixin:
    """`GET <list>/deleted/?since=`: the ids of the view's records (`audit_object_type`)
    deleted since a moment, for a front end that syncs incrementally (docs/sync.md)."""

    @extend_schema(parameters=[DELETIONS_SINCE], responses=DeletionSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        filter_backends=[],
        pagination_class=DeletionPage,
        serializer_class=DeletionSerializer,
    )
    def deleted(self, request):
        """Records deleted since a moment.

        In the order they were deleted, with when; only those of clients you were served
        records of. Drop them from a copy synced before (docs/sync.md)."""
        paginator = self.paginator
        known = {"since", paginator.cursor_query_param, paginator.page_size_query_param}
        refuse_unknown_parameters(request.query_params, known)
        given = request.query_params.get("since")
        try:
            since = None if given is None else MomentField(required=True).clean(given)
        except ValidationError as error:
            raise exceptions.ValidationError({"since": error.messages}) from error
        events = deletions(request.user, self.audit_object_type, since)
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(DeletionSerializer(page, many=True).data)

    def clients_served(self) -> list:
        """A page of deletions serves the deleted records' clients' ids."""
        if getattr(self, "action", None) == "deleted":
            return [event.client_id for event in self.paginator.page or []]
        return super().clients_served()


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
class ClientViewSet(DeletionsMixin, ClientRecordMixin, viewsets.ModelViewSet):
    """Clients of the practice that you may see: your own caseload (primary clinician or care
    team); a supervisor also reads, but cannot change, their supervisees' clients; an admin
    manages every client's administrative fields and sees no clinical content. A client with
    clinical records cannot be deleted: discharge them; `deleted/` lists those that were."""

    reads_from_replica = True
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
