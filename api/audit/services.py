"""Writing audit events. Callers pass identifiers only, never clinical values."""

import functools
import uuid

from django.conf import settings
from django.db import connection
from django.utils import timezone

from api.audit.models import AuditEvent, AuditOutcome
from api.redaction import redact_path
from api.tenancy import within_practice


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or the address NUM_PROXIES trusted proxies saw."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")


def outcome_for(status_code: int) -> str:
    if status_code < 400:
        return AuditOutcome.SUCCESS
    if status_code in (401, 403, 404, 429):
        return AuditOutcome.DENIED
    return AuditOutcome.FAILED


def _canonical_id(value) -> uuid.UUID | None:
    """A record id as a UUID; anything else is a bug in the caller, never stored as given."""
    if value is None or value == "":
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def audit_record(*, client_id=None, **event) -> None:
    """One event for one request, about one client or none; as `audit_records`."""
    audit_records(client_ids=[client_id], **event)


def audit_records(
    *,
    request,
    action: str,
    status_code: int,
    actor=None,
    invitation=None,
    object_type: str = "",
    object_id=None,
    client_ids=(None,),
) -> None:
    """One event per client whose data the request served or changed (a list page of twenty
    clients is twenty events, so each client's trail is complete), or one with no client.
    Ids are stored in their canonical form, in one statement. A client answering from a
    measure link is no user: its `invitation` is the actor."""
    user = getattr(request, "user", None)
    if actor is None and invitation is None and user is not None and user.is_authenticated:
        actor = user
    object_id = _canonical_id(object_id)
    holder = actor or invitation
    common = {
        "at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_invitation_id": invitation.pk if invitation is not None else None,
        "practice_id": holder.practice_id if holder is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id else "",
        "outcome": outcome_for(status_code),
        "status_code": status_code,
        "ip": client_ip(request),
        "user_agent": request.headers.get("User-Agent", "")[:255],
        "request_id": getattr(request, "request_id", "")[:64],
        "method": request.method[:8],
        "path": redact_path(request.path)[:255],
    }
    clients = list(dict.fromkeys(_canonical_id(client) for client in client_ids)) or [None]
    with within_practice(common["practice_id"]):
        _insert(common, clients)


def _insert(common: dict, clients: list) -> None:
    """An event for each of `clients`, with the `common` values, in one statement."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(client_id=c, **common) for c in clients])
        return
    with connection.cursor() as cursor:
        cursor.execute(_insert_for_clients(tuple(common)), [*common.values(), clients])


@functools.cache
def _insert_for_clients(common: tuple[str, ...]) -> str:
    """On PostgreSQL, a request's events in one statement of fixed text: the values of the
    `common` columns once, the clients as one array, each row's id made by the database.
    Building twenty model instances and binding their 320 values cost more than the rest of a
    list page's audit; this is the statement they compiled to, without them."""
    fields = {field.attname: field for field in AuditEvent._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in common)
    values = ", ".join(f"%s::{fields[name].db_type(connection)}" for name in common)
    table = quote(AuditEvent._meta.db_table)
    # Names from the model; every value is bound.
    return (
        f'INSERT INTO {table} ("id", {columns}, "client_id") '  # noqa: S608
        f"SELECT gen_random_uuid(), {values}, client_id FROM unnest(%s::uuid[]) AS client_id"
    )
