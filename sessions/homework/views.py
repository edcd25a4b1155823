from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from api.examples import EXAMPLE_CLIENT_ID, request_example
from api.schema import problem
from api.viewsets import ClientRecordMixin, RecordMixin, ScopedViewSetMixin
from clients.access import clinical_access, clinical_client_or_404
from clients.views import ClientNamesMixin
from sessions.homework import services
from sessions.homework.filters import HomeworkFilter, HomeworkTemplateFilter
from sessions.homework.models import Homework, HomeworkStatus, HomeworkTemplate
from sessions.homework.selectors import homework_adherence
from sessions.homework.serializers import (
    HomeworkAdherenceSerializer,
    HomeworkCompletionSerializer,
    HomeworkOutcomeNoteSerializer,
    HomeworkSerializer,
    HomeworkTemplateSerializer,
)

CLOSED = problem(409, "The homework is no longer assigned.")


def _closing(serializer_class):
    return extend_schema(request=serializer_class, responses={200: HomeworkSerializer, **CLOSED})


@extend_schema(tags=["homework"])
@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "Homework from a strategy",
                "A week of self-reflection aimed at past failures",
                {
                    "client": EXAMPLE_CLIENT_ID,
                    "strategy": "self_reflection",
                    "title": "Evening thought record",
                    "instructions": "Each evening, note one setback and what it says about you.",
                    "target_roots": ["past_failures"],
                    "assigned_on": "2026-03-02",
                    "due_on": "2026-03-09",
                },
            )
        ]
    ),
    update=extend_schema(responses={200: HomeworkSerializer, **CLOSED}),
    partial_update=extend_schema(responses={200: HomeworkSerializer, **CLOSED}),
    complete=_closing(HomeworkCompletionSerializer),
    partially_complete=_closing(HomeworkCompletionSerializer),
    not_completed=_closing(HomeworkOutcomeNoteSerializer),
    cancel=_closing(HomeworkOutcomeNoteSerializer),
)
class HomeworkViewSet(
    ClientNamesMixin,
    ClientRecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Homework of the clients you may see, drawn from the four strategies. It starts
    `assigned` and moves once, through `complete`, `partially-complete`, `not-completed` or
    `cancel`; any other move, or a PATCH of its status, answers 409. Homework is never deleted:
    cancel it. Admins see none."""

    reads_from_replica = True
    queryset = Homework.objects.all()
    audit_object_type = "homework"
    serializer_class = HomeworkSerializer
    filterset_class = HomeworkFilter
    ordering = ("-created_at", "id")

    def scope(self, user):
        return clinical_access(user)

    def perform_create(self, serializer):
        serializer.instance = services.homework_assign(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.homework_update(
            homework=serializer.instance,
            by=self.request.user,
            body=self.request.data,
            **serializer.validated_data,
        )

    def _close(self, status: str, serializer_class):
        homework = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        homework = services.homework_close(
            homework=homework,
            by=self.request.user,
            status=status,
            **serializer.validated_data,
        )
        return Response(HomeworkSerializer(homework, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The client did the homework: when, how helpful it was (0-10), and a note."""
        return self._close(HomeworkStatus.COMPLETED, HomeworkCompletionSerializer)

    @action(detail=True, methods=["post"], url_path="partially-complete")
    def partially_complete(self, request, pk=None):
        """The client did part of the homework."""
        return self._close(HomeworkStatus.PARTIALLY_COMPLETED, HomeworkCompletionSerializer)

    @action(detail=True, methods=["post"], url_path="not-completed")
    def not_completed(self, request, pk=None):
        """The client did not do the homework."""
        return self._close(HomeworkStatus.NOT_COMPLETED, HomeworkOutcomeNoteSerializer)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw the homework (assigned by mistake, or no longer fitting)."""
        return self._close(HomeworkStatus.CANCELLED, HomeworkOutcomeNoteSerializer)


@extend_schema(tags=["homework"])
@extend_schema_view(
    destroy=extend_schema(responses={204: None, **problem(409, "The template is in use.")})
)
class HomeworkTemplateViewSet(RecordMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """Homework templates: Rootwise's built-in ones (read-only, at least three per strategy)
    and your practice's own, which its clinicians create and their author or an admin edits.
    Another practice's templates do not exist here."""

    reads_from_replica = True
    queryset = HomeworkTemplate.objects.all()
    serializer_class = HomeworkTemplateSerializer
    filterset_class = HomeworkTemplateFilter
    ordering = ("strategy", "title", "id")

    def scope(self, user):
        return Q(practice__isnull=True) | Q(practice_id=user.practice_id)

    def get_object(self):
        template = super().get_object()
        if self.request.method not in SAFE_METHODS:
            services.refuse_unless_editor(template, self.request.user)
        return template

    def perform_create(self, serializer):
        serializer.instance = services.template_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.template_update(
            template=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.template_delete(template=instance, by=self.request.user)


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        operation_id="clients_homework_summary",
        responses=HomeworkAdherenceSerializer,
    )
)
class ClientHomeworkSummaryView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """Homework adherence, overall and by strategy. Clinical content: admins get 404."""

    reads_from_replica = True
    name = "Homework summary"  # as OPTIONS names it
    audit_object_type = "client"
    audit_client_field = "id"

    def get(self, request, pk):
        client = clinical_client_or_404(request.user, pk)
        return Response(HomeworkAdherenceSerializer(homework_adherence(client)).data)
