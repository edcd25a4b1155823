"""One transaction per request handler, in the caller's practice: the change and what must
commit with it, or neither.

Authentication, permissions, throttles and the Idempotency-Key claim run first, outside it, so
that a claim is visible to a concurrent retry at once. Inside it run the handler and then
`commit_with(request, response)`, where a mixin adds what must commit with a successful
response (its audit event); if that raises, nothing of the write is kept. A write answered with
400 or more is rolled back: a refused or failed write changes nothing.

The transaction is the caller's practice scope (`api/tenancy.py`): on PostgreSQL it sees only
that practice's rows.

A view with `reads_from_replica = True` lets its list (a viewset's `list`, a plain view's GET)
read from the read replica, when there is one and the caller may (`api/replica.py`); should the
replica fail, the handler is run again on the primary.
"""

from django.db import transaction
from rest_framework.permissions import SAFE_METHODS

from api import replica
from api.tenancy import practice_scope


class AtomicRequestMixin:
    reads_from_replica = False

    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if method in self.http_method_names and hasattr(self, method):
            setattr(self, method, self._atomic(getattr(self, method)))
        return super().dispatch(request, *args, **kwargs)

    def _atomic(self, handler):
        def run(request, *args, **kwargs):
            with practice_scope(getattr(request.user, "practice_id", None)):
                response = self._respond(handler, request, *args, **kwargs)
                if response.status_code < 400:
                    self.commit_with(request, response)
                elif request.method not in SAFE_METHODS:
                    transaction.set_rollback(True)
            return response

        return run

    def _respond(self, handler, request, *args, **kwargs):
        try:
            try:
                with replica.reads_for(self, request):
                    return handler(request, *args, **kwargs)
            except replica.ReplicaUnavailable:
                return handler(request, *args, **kwargs)  # again, from the primary
        except Exception as exc:
            # Answered here, like any other, so that a refused write is rolled back.
            return self.handle_exception(exc)

    def commit_with(self, request, response) -> None:
        """What must commit with a successful response; nothing by default."""
