"""One transaction per write: the change and what must commit with it, or neither.

Authentication, permissions, throttles and the Idempotency-Key claim run first, outside it, so
that a claim is visible to a concurrent retry at once. Inside it run the handler and then
`commit_with(request, response)`, where a mixin adds what must commit with a successful write
(its audit event); if that raises, nothing of the write is kept. A response of 400 or more
rolls the transaction back: a refused or failed write changes nothing.
"""

from django.db import transaction
from rest_framework.permissions import SAFE_METHODS


class AtomicWriteMixin:
    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if request.method not in SAFE_METHODS and hasattr(self, method):
            setattr(self, method, self._atomic(getattr(self, method)))
        return super().dispatch(request, *args, **kwargs)

    def _atomic(self, handler):
        def run(request, *args, **kwargs):
            with transaction.atomic():
                try:
                    response = handler(request, *args, **kwargs)
                except Exception as exc:
                    # Answered here, like any other, so that a refused write is rolled back.
                    response = self.handle_exception(exc)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
                else:
                    self.commit_with(request, response)
            return response

        return run

    def commit_with(self, request, response) -> None:
        """What must commit with a successful write; nothing by default."""
