"""Audit every request a view serves, including refused ones, after its transaction ends."""

import logging
import uuid

from django.db import DatabaseError

from api.audit.models import AuditAction
from api.audit.services import audit_record
from api.exceptions import PreconditionFailed

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
}


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


class AuditedViewMixin:
    """Writes one audit event per authenticated request: the action, the object and its
    client, and the outcome. `audit_object_type` names what the view serves; `audit_action`
    overrides the action (exports)."""

    audit_object_type = ""
    audit_action = None
    _audited_object = None

    def get_object(self):
        try:
            self._audited_object = super().get_object()
        except PreconditionFailed as refusal:  # visible, but changed since the caller read it
            self._audited_object = refusal.record
            raise
        return self._audited_object

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            try:
                audit_record(
                    request=request,
                    action=self._audit_action(request),
                    status_code=response.status_code,
                    object_type=self.audit_object_type,
                    object_id=self._audit_object_id(response),
                    client_id=self._audit_client_id(response),
                )
            except DatabaseError:
                logger.exception("Could not write the audit event for %s", request.path)
        return response

    def _audit_action(self, request) -> str:
        if self.audit_action:
            return self.audit_action
        action = getattr(self, "action", None)
        if action in ACTIONS:
            return ACTIONS[action]
        return AuditAction.READ if request.method in ("GET", "HEAD") else AuditAction.UPDATE

    def _created(self, response) -> dict:
        ok = response.status_code < 400 and isinstance(getattr(response, "data", None), dict)
        return response.data if ok and getattr(self, "action", None) == "create" else {}

    def _audit_object_id(self, response):
        return self.kwargs.get("pk") or self._created(response).get("id", "")

    def _audit_client_id(self, response):
        obj = self._audited_object
        if obj is not None:
            return obj.pk if self.audit_object_type == "client" else getattr(obj, "client_id", None)
        created = self._created(response)
        if created:
            return _uuid_or_none(
                created["id"] if self.audit_object_type == "client" else created.get("client")
            )
        if self.audit_object_type == "client" and response.status_code < 400:
            return _uuid_or_none(self.kwargs.get("pk"))
        return _uuid_or_none(self.request.query_params.get("client"))
