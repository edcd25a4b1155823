"""Django's PostgreSQL backend, health-checking a kept connection only when it may be stale.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request that
reuses a connection: a round trip the query log does not show, about a tenth of a busy
worker's time on the client list (docs/performance.md). Here the check is made only when the
connection has been idle for DB_HEALTH_CHECK_AFTER_IDLE_SECONDS (1): a connection a worker used a
moment ago is as alive as a check would find it, while one that sat idle through a restart of
PostgreSQL or PgBouncer, or past a timeout, is checked and replaced before the request uses it.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _last_request_boundary = None
    _idle_before_request = float("inf")

    def close_if_unusable_or_obsolete(self):
        # Django calls this as each request starts and as it finishes: at a start, the time
        # since the last call is how long the connection sat idle between requests.
        now = time.monotonic()
        if self._last_request_boundary is not None:
            self._idle_before_request = now - self._last_request_boundary
        self._last_request_boundary = now
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self):
        if self._idle_before_request < settings.DB_HEALTH_CHECK_AFTER_IDLE_SECONDS:
            self.health_check_done = True
        super().close_if_health_check_failed()
