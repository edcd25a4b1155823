"""Audit every request a view serves, refused ones included; fail closed.

A successful request's event commits in the request's own transaction (`commit_with`, see
`api/atomic.py`): no change without its event. Every other event (refusals, failures) is
written before the response leaves. If an event cannot be written, the caller gets a 503
problem instead of the response, so no clinical data is served unrecorded.
"""

import logging

from rest_framework.permissions import SAFE_METHODS

from api.audit.models import AuditAction
from api.audit.services import audit_records
from api.exceptions import PreconditionFailed, ServiceUnavailable, problem_response
from api.idempotency.mixins import REPLAYED_HEADER

logger = logging.getLogger("rootwise.audit")

ACTIONS = {
    "list": AuditAction.READ,
    "retrieve": AuditAction.READ,
    "create": AuditAction.CREATE,
    "update": AuditAction.UPDATE,
    "partial_update": AuditAction.UPDATE,
    "destroy": AuditAction.DELETE,
    "sign": AuditAction.SIGN,
    "cosign": AuditAction.SIGN,
    "void": AuditAction.VOID,
    "reset_mfa": AuditAction.MFA_RESET,
}
UNRECORDED = "The request could not be recorded in the audit trail, so it was not served."


class AuditedViewMixin:
    """Writes the events of each authenticated request: the action, the object, the clients
    whose data it served or changed, and the outcome. `audit_object_type` names what the view
    serves; `audit_client_field` the field that holds the client of each record it serves
    (`client`, or `id` where the records are clients, whose own endpoints then take the client
    from the URL), none where it serves no client's data; `audit_action` overrides the action
    (exports); `audit_reads = False` leaves reads unrecorded (staff lists)."""

    audit_object_type = ""
    audit_client_field: str | None = None
    audit_action = None
    audit_reads = True
    _audited_object = None
    _audit_written = False

    def get_object(self):
        try:
            self._audited_object = super().get_object()
        except PreconditionFailed as refusal:  # visible, but changed since the caller read it
            self._audited_object = refusal.record
            raise
        return self._audited_object

    def commit_with(self, request, response) -> None:
        super().commit_with(request, response)
        if not self._audits(request):
            return
        try:
            self._write_events(request, response)
        except Exception as error:
            logger.exception("Could not write the audit event for %s", request.path)
            raise ServiceUnavailable(UNRECORDED) from error

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self._audit_written or not self._audits(request):
            return response
        try:
            self._write_events(request, response)
        except Exception:
            logger.exception("Could not write the audit event for %s", request.path)
            return problem_response(503, ServiceUnavailable.default_code, UNRECORDED)
        return response

    def _audits(self, request) -> bool:
        authenticated = getattr(request, "user", None) is not None and request.user.is_authenticated
        return authenticated and (self.audit_reads or request.method not in SAFE_METHODS)

    def _write_events(self, request, response) -> None:
        audit_records(
            request=request,
            action=self._audit_action(request, response),
            status_code=response.status_code,
            object_type=self.audit_object_type,
            object_id=self._audit_object_id(response),
            client_ids=self._audit_client_ids(response),
        )
        self._audit_written = True

    def _audit_action(self, request, response) -> str:
        if response.get(REPLAYED_HEADER) == "true":
            return AuditAction.REPLAY
        if self.audit_action:
            return self.audit_action
        action = getattr(self, "action", None)
        if action in ACTIONS:
            return ACTIONS[action]
        return AuditAction.READ if request.method in SAFE_METHODS else AuditAction.UPDATE

    def _created(self, response) -> dict:
        ok = response.status_code < 400 and isinstance(getattr(response, "data", None), dict)
        return response.data if ok and getattr(self, "action", None) == "create" else {}

    def _audit_object_id(self, response):
        return self.kwargs.get("pk") or self._created(response).get("id")

    def _client_of(self, record):
        field = self.audit_client_field
        return record.serializable_value(field) if field else None

    def _audit_client_ids(self, response) -> list:
        """The clients whose data the response holds or the request changed; none if refused
        before any was looked up."""
        if self._audited_object is not None:
            return [self._client_of(self._audited_object)]
        created = self._created(response)
        if created:
            return [created.get(self.audit_client_field)]
        if response.status_code >= 400:
            return []
        if self.audit_client_field == "id" and "pk" in self.kwargs:
            return [self.kwargs["pk"]]  # the client's own actions: progress, summary, report
        return self.clients_served()

    def clients_served(self) -> list:
        """The clients of the records on the list page served (a report names its own)."""
        page = getattr(getattr(self, "paginator", None), "page", None) or []
        return [self._client_of(record) for record in page]
