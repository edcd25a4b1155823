from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from api.atomic import AtomicRequestMixin
from api.audit.mixins import AuditedViewMixin
from progress.work_queue.selectors import work_queue, work_queue_counts
from progress.work_queue.serializers import WorkQueueSerializer, WorkQueueSummarySerializer


@extend_schema_view(
    get=extend_schema(
        summary="List what is waiting for you",
        tags=["work-queue"],
        operation_id="work_queue_list",
        responses=WorkQueueSerializer,
    )
)
class WorkQueueView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """Your work queue: open risk flags of your clients, the sessions you hold today, your
    notes still unsigned `note_signing_hours` after the session ended, your supervisees'
    signed notes awaiting your co-signature, your clients' overdue homework, and your clients
    due for reassessment (an instrument not taken again within `reassessment_days`, or a
    measure schedule whose latest invitation expired unanswered). Your clients are those you
    are primary clinician or on the care team of. Bounded, not paginated: at most 100 items
    per reason, the most overdue first (`truncated` names the reasons with more; the summary
    counts them all). Admins hold no clinical work: their queue is empty. Audited as a read
    of each client listed."""

    reads_from_replica = True
    name = "Work queue"
    audit_object_type = "work_queue"
    pagination_class = None
    _clients_listed = ()

    def get(self, request):
        queue = work_queue(request.user)
        self._clients_listed = queue.client_ids
        return Response(WorkQueueSerializer(queue).data)

    def clients_served(self) -> list:
        return list(self._clients_listed)


@extend_schema_view(
    get=extend_schema(
        summary="Count what is waiting for you",
        tags=["work-queue"],
        operation_id="work_queue_summary",
        responses=WorkQueueSummarySerializer,
    )
)
class WorkQueueSummaryView(AuditedViewMixin, AtomicRequestMixin, APIView):
    """How many items your work queue holds, per reason and in all (for badges): every item,
    beyond the 100 per reason the list shows. Counts only, no client's data. Admins get zeros."""

    reads_from_replica = True
    name = "Work queue summary"
    audit_object_type = "work_queue_summary"
    pagination_class = None

    def get(self, request):
        counts = work_queue_counts(request.user)
        return Response(WorkQueueSummarySerializer({**counts, "total": sum(counts.values())}).data)
