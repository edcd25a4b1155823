"""The database keeps practices apart, beneath the views' own scoping (docs/security.md).

On PostgreSQL every table of practice data has row-level security: a row is visible, and may be
written, only inside a transaction that set `app.practice_id` to its practice (with
`set_config(…, true)`, the `SET LOCAL` that ends with the transaction and so stays correct behind
a transaction-pooling PgBouncer). A request runs its handler in `practice_scope(the caller's
practice)`; a query outside any scope sees no practice's rows.

Work that spans practices (management commands, key rotation, demo and scale seeding) says so
with `all_practices()`, which sets `app.all_practices`; the request path never does. Migrations
run as the tables' owner, to whom the policies do not apply. SQLite has no row-level security:
there both scopes are plain transactions and only the views' scoping keeps practices apart.

A scope is entered on one database connection: the primary's unless `using` names another. A
request whose reads go to the read replica (`api/replica.py`) enters its practice's scope on
both, since the settings belong to each connection's own transaction.
"""

import contextlib
import contextvars
import uuid

from django.db import DEFAULT_DB_ALIAS, Error, connection, connections, transaction

PRACTICE_SETTING = "app.practice_id"
ALL_PRACTICES_SETTING = "app.all_practices"

# The practice (or ALL) whose scope the current block runs in on the primary, so that an audit
# event written inside a request's transaction costs no round trip to enter it again.
ALL = "all"
_current: contextvars.ContextVar[object] = contextvars.ContextVar("practice_scope", default=None)


@contextlib.contextmanager
def practice_scope(practice_id: uuid.UUID | str | None, *, using: str = DEFAULT_DB_ALIAS):
    """Run the block in a transaction (a savepoint, if one is open) that sees only this
    practice's rows. With no practice (a sign-in with an unknown email) it sees none, and may
    write only rows of no practice."""
    yield from _scope(_practice(practice_id), all_practices=False, using=using)


@contextlib.contextmanager
def within_practice(practice_id: uuid.UUID | str | None):
    """Run the block in this practice's scope: the one it is already in, or a new one."""
    if _current.get() == _practice(practice_id) and connection.in_atomic_block:
        yield
    else:
        yield from _scope(_practice(practice_id), all_practices=False)


@contextlib.contextmanager
def all_practices():
    """Run the block in a transaction that sees every practice's rows: the path of work that
    spans practices by design, never of a request."""
    yield from _scope("", all_practices=True)


def _practice(practice_id) -> str:
    return str(practice_id) if practice_id else ""


def _scope(practice: str, *, all_practices: bool, using: str = DEFAULT_DB_ALIAS):
    db = connections[using]
    nested = db.in_atomic_block
    token = _current.set(ALL if all_practices else practice) if using == DEFAULT_DB_ALIAS else None
    try:
        with transaction.atomic(using=using):
            previous = _settings(db) if nested and db.vendor == "postgresql" else None
            _set(practice, "on" if all_practices else "off", db)
            yield
            # A scope inside a longer transaction (a test's) hands back what it found; an
            # outermost one ends with its transaction, and the settings with it.
            if previous is not None and not db.needs_rollback:
                _set(*previous, db)
    finally:
        if token is not None:
            _current.reset(token)


def _settings(db=connection) -> tuple[str, str]:
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(current_setting('{PRACTICE_SETTING}', true), ''), "
            f"coalesce(current_setting('{ALL_PRACTICES_SETTING}', true), '')"
        )
        return cursor.fetchone()


def _set(practice: str, all_practices: str, db=connection) -> None:
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT set_config('{PRACTICE_SETTING}', %s, true), "
            f"set_config('{ALL_PRACTICES_SETTING}', %s, true)",
            [practice, all_practices],
        )


class RequestWithoutPracticeMiddleware:
    """A request sees no practice's rows outside its handler's scope. Served on its own, each
    statement is a transaction of its own, which starts without one. Inside a longer transaction
    (a test's), the settings found are set aside for the request and handed back after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return self.get_response(request)
        try:
            previous = _settings()
        except Error:  # unreachable: there is nothing to set aside
            return self.get_response(request)
        _set("", "off")
        token = _current.set(None)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
            if not connection.needs_rollback:
                _set(*previous)
