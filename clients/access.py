"""Who may see and change which client records: the one place that decides.

Every clinical viewset narrows its queryset with these rules through `ScopedViewSetMixin`
(`api/viewsets.py`), so a record the caller may not see is a 404, for reads and writes alike,
exactly as if it did not exist.

- Clinician: clients they are primary clinician of or on the care team of; full access.
- Supervisor: the same for their own caseload, plus read-only access to the clients of the
  clinicians they supervise.
- Admin: every client of the practice, administrative fields only; no clinical content.
"""

import functools
import uuid

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import PermissionDenied

from api.auth.models import User
from clients.models import Client

CareTeam = Client.care_team.through


def client_ids_held(**holder) -> QuerySet:
    """Ids of clients whose primary clinician, or a care-team member, matches `holder` (e.g.
    `user=me` or `user__supervisor=me`): one UNION, so each side uses its index."""
    primary = {
        f"primary_clinician{key.removeprefix('user')}": value for key, value in holder.items()
    }
    return (
        Client.objects.filter(**primary)
        .order_by()
        .values("pk")
        .union(CareTeam.objects.filter(**holder).order_by().values("client_id"))
    )


def client_access(user: User, *, client: str = "", write: bool = False) -> Q:
    """A filter for records whose client `user` may read (or, with `write`, change).

    `client` is the lookup path from the filtered model to its client, e.g. "client__".
    """
    if user.is_admin:
        return Q(**{f"{client}practice_id": user.practice_id})
    ids = _caseload(user, with_supervisees=user.is_supervisor and not write)
    return Q(**{f"{client.removesuffix('__') or 'pk'}__in": ids})


def _caseload_ids(holder, *, with_supervisees: bool) -> QuerySet:
    ids = client_ids_held(user=holder)
    if with_supervisees:
        ids = ids.union(client_ids_held(user__supervisor=holder))
    return ids


def _caseload(user: User, *, with_supervisees: bool) -> RawSQL:
    """The ids of the clients `user` holds (and, `with_supervisees`, their supervisees hold),
    as SQL compiled once: every request a clinician makes is filtered by it, and compiling the
    union cost more than PostgreSQL took to run it. Only `user`'s id is bound anew."""
    sql, holder_params = _caseload_sql(connection.vendor, with_supervisees)
    user_id = User._meta.pk.get_db_prep_value(user.pk, connection)
    return RawSQL(sql, [user_id] * holder_params)  # noqa: S611 (compiled by the ORM; id bound)


@functools.cache
def _caseload_sql(vendor: str, with_supervisees: bool) -> tuple[str, int]:
    """The caseload's SQL for this database, and how many times it binds the holder's id."""
    holder = uuid.UUID(int=0)
    sql, params = _caseload_ids(holder, with_supervisees=with_supervisees).query.sql_with_params()
    if set(params) != {User._meta.pk.get_db_prep_value(holder, connection)}:
        raise AssertionError(f"The caseload's SQL binds more than the holder's id: {params}")
    return sql, len(params)


def clinical_access(user: User, *, client: str = "client__", write: bool = False) -> Q:
    """As `client_access`, for clinical content, which admins never see."""
    if user.is_admin:
        return Q(pk__in=[])
    return client_access(user, client=client, write=write)


def clinical_clients(user: User) -> QuerySet[Client]:
    """Clients whose clinical content `user` may read (none, for admins)."""
    return Client.objects.filter(clinical_access(user, client=""))


def writable_clients(user: User) -> QuerySet[Client]:
    return Client.objects.filter(client_access(user, write=True))


def clinical_client_or_404(user: User, pk) -> Client:
    """A client whose clinical content `user` may read; 404 otherwise (always, for admins, and
    for an id that is not even a UUID). Its practice comes with it: clinical reads give dates
    on the practice's calendar."""
    try:
        uuid.UUID(str(pk))
    except ValueError as error:
        raise Http404 from error
    return get_object_or_404(clinical_clients(user).select_related("practice"), pk=pk)


def require_write(user: User, client: Client) -> None:
    """Refuse (403) a write to a client the user can see but may only read."""
    if not writable_clients(user).filter(pk=client.pk).exists():
        raise PermissionDenied("You may read this client's records but not change them.")
