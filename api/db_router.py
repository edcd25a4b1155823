"""Which database serves a query: the read replica only where a request said so.

Every write, and every read by default, goes to the primary. Inside `replica_reads()` (entered
by `api/replica.py` around the handler of a request that may read stale data, and only once
that request's practice scope is open on the replica) the ORM's reads go to the replica, except
the shared cache's table: throttles, lock-outs and the replica's own bookkeeping must be
current. `select_for_update()` counts as a write, so a row lock is always taken on the primary.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
# The database cache's model (django.core.cache.backends.db) has this app label.
PRIMARY_ONLY_APPS = {"django_cache"}

_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


@contextlib.contextmanager
def replica_reads():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reading_from_replica() -> bool:
    return _reading_from_replica.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if reading_from_replica() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, read through two connections

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows its primary's schema
