"""Gunicorn settings for serving Rootwise in production (and in `make bench`).

    gunicorn -c api/gunicorn.conf.py            # serves api.wsgi:application

Every value can be overridden from the environment, so one committed file serves every host:

- `GUNICORN_BIND` (default `127.0.0.1:8000`): put a TLS-terminating proxy in front.
- `WEB_CONCURRENCY` (default 2 x cores + 1): worker processes. Rootwise's requests spend much
  of their time waiting on PostgreSQL, so a few more workers than cores keeps the CPU busy.
- `GUNICORN_TIMEOUT` (default 30 s): a worker silent for longer is killed and replaced; the
  PDF report, the slowest request, takes a fraction of a second.
- `GUNICORN_ACCESS_LOG` (default off): `-` for stdout. Rootwise already keeps its own audit
  trail in the database; an access log would duplicate paths, not add to them. When on, it logs
  paths without their query strings (which can hold a client's name) and without Referer.

Sync workers: each handles one request at a time, which suits CPU-bound Django views. Each worker
keeps its own database connection for DB_CONN_MAX_AGE seconds.
"""

import multiprocessing
import os

from gunicorn import glogging

from api.redaction import redact_path

wsgi_app = "api.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Load the app once in the arbiter, then fork: faster start and shared memory for the code.
# Database connections are opened lazily in each worker, never shared across the fork.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The path without its query string, and no Referer: a query can hold a client's name
# (`?search=`), and a referring page's address can too. Never the request line as sent.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"


class RedactingLogger(glogging.Logger):
    """The access log without a measure link's token in its path (api/redaction.py)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


logger_class = RedactingLogger
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Behind a proxy, only these addresses may set X-Forwarded-* (see NUM_PROXIES in the README).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No cap on the request line here: the proxy in front sets the real limit, and a line that got
# past it should reach Rootwise, which answers any bad query with a problem document (a 414 from
# gunicorn would be HTML). Django still caps the number of query fields.
limit_request_line = 0


def post_worker_init(worker):
    """Each worker connects to the database before it takes a request, so that its first request
    costs what the later ones do. If the database is down now, the first request that needs it
    connects (or answers 503, as any request would)."""
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError:
        worker.log.warning("Worker %s could not connect to the database yet.", worker.pid)
