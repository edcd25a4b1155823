"""Lists and reports read from the read replica, when there is one (docs/deployment.md).

A request reads from the replica when all of these hold; otherwise everything it does goes to
the primary, as without a replica:

- `DATABASE_REPLICA_URL` names one (the `replica` database);
- it is a GET or HEAD, of a view that says `reads_from_replica = True`: a viewset's `list`
  action, or a plain view's GET (reports);
- its caller is signed in and wrote nothing in the last `REPLICA_READ_YOUR_WRITES_SECONDS`:
  every successful unsafe request, and every sign-in, marks its user in the shared cache for
  that long, so that a user reads their own writes however far the replica lags;
- the replica was not found unreachable in the last `REPLICA_RETRY_SECONDS`.

Only the handler's reads go to the replica, in the caller's practice scope entered there
(`api/tenancy.py`); the request's own transaction, and its audit event, stay on the primary and
commit before the response leaves. A replica that cannot be reached, or fails a statement
(stopped, restarted, a query cancelled by replay), is marked down for every process and the
handler is run again on the primary: the caller gets the current data, never an error of the
replica's. Nothing in a response says which database served it.
"""

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from rest_framework.permissions import SAFE_METHODS

from api.db_router import REPLICA, reading_from_replica, replica_reads
from api.exceptions import SHARED_CACHE_UNAVAILABLE, database_message
from api.tenancy import practice_scope

logger = logging.getLogger("rootwise.errors")

REPLICA_METHODS = ("GET", "HEAD")
UNREACHABLE = (OperationalError, InterfaceError)
DOWN = "replica:down"


def _wrote(user_id) -> str:
    return f"replica:wrote:{user_id}"


class ReplicaUnavailable(Exception):
    """The replica failed while a handler read from it: run the handler again on the primary."""


def configured() -> bool:
    return REPLICA in settings.DATABASES


def note_write(user_id) -> None:
    """The user changed something: their reads go to the primary for a while."""
    if user_id is not None and configured():
        try:
            cache.set(_wrote(user_id), True, settings.REPLICA_READ_YOUR_WRITES_SECONDS)
        except SHARED_CACHE_UNAVAILABLE:  # the write is done; reads stay on the primary meanwhile
            logger.warning("Shared cache unavailable: a write was not marked for its reader")


class ReadYourWritesMiddleware:
    """Marks the signed-in user of every successful unsafe request (`note_write`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # set by the API's authentication
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and user is not None
            and user.is_authenticated
        ):
            note_write(user.pk)
        return response


def _eligible(view, request) -> bool:
    if not (view.reads_from_replica and configured()):
        return False
    if request.method not in REPLICA_METHODS:
        return False
    if getattr(view, "action", None) not in (None, "list"):  # a plain view has no action
        return False
    user = request.user
    try:
        return user.is_authenticated and not cache.get_many([_wrote(user.pk), DOWN])
    except SHARED_CACHE_UNAVAILABLE:  # without the marks, only the primary is sure to be current
        return False


def _mark_down(error: Exception) -> None:
    logger.warning(
        "The read replica is unavailable; reading from the primary for %s s: %s",
        settings.REPLICA_RETRY_SECONDS,
        database_message(error),
    )
    with contextlib.suppress(*SHARED_CACHE_UNAVAILABLE):  # the handler reruns on the primary
        cache.set(DOWN, True, settings.REPLICA_RETRY_SECONDS)


class _FailureWatch:
    """Notes whether a statement on the replica failed for want of the replica."""

    failed = False

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except UNREACHABLE:
            self.failed = True
            raise


def _entered(stack: contextlib.ExitStack, practice_id) -> bool:
    """Opens the practice's scope on the replica, or marks the replica down."""
    try:
        stack.enter_context(practice_scope(practice_id, using=REPLICA))
    except UNREACHABLE as error:
        _mark_down(error)
        return False
    return True


@contextlib.contextmanager
def _replica_scope(practice_id):
    """Reads go to the replica, in the practice's scope there; ReplicaUnavailable if the
    replica fails meanwhile. If it cannot be reached, they stay on the primary."""
    with contextlib.ExitStack() as stack:
        if not _entered(stack, practice_id):
            yield
            return
        watch = _FailureWatch()
        stack.enter_context(connections[REPLICA].execute_wrapper(watch))
        stack.enter_context(replica_reads())
        try:
            yield
        except Exception as error:
            if not watch.failed:
                raise
            _mark_down(error)
            raise ReplicaUnavailable from error


@contextlib.contextmanager
def reads_for(view, request):
    """The block's reads come from the replica if this request may read from it (above)."""
    if _eligible(view, request):
        with _replica_scope(request.user.practice_id):
            yield
    else:
        yield


def reads_later(practice_id):
    """For what a response reads after its handler has returned (a streamed export): a context
    manager to read from where the handler read, the replica if it still answers."""
    if not reading_from_replica():
        return contextlib.nullcontext
    return lambda: _replica_scope(practice_id)
