"""How a background task is written (the Celery app: api/celery.py; processes:
docs/deployment.md).

- **Work for one practice** is a `@practice_task`: its first argument is the practice's id,
  and its body runs in `practice_scope(practice_id)`, one transaction that on PostgreSQL sets
  the practice for row-level security exactly as a request's handler does (docs/security.md).
  The task sees that practice's rows and no other's, whatever its arguments say.
- **Work that waits on another system** (a webhook's POST) is a `@network_task`, which
  enters the practice's scope itself before and after the wait: no transaction, row lock or
  pooled connection is held while a receiver takes its time.
- **Periodic work** (what is due now) runs in `all_practices()` and takes its due rows with
  `claim_due`, which locks them with `SELECT … FOR UPDATE SKIP LOCKED`: however many schedulers
  or workers tick at once, each row is taken by one of them, which makes it no longer due
  before its transaction commits. It then sends a practice task per row, on commit
  (`task.delay_on_commit(…)`), so no task starts before the claim is visible.
- **Idempotent, retried.** Acknowledged only once run (settings), a task may run twice: it
  checks what is already done before doing it. Transient errors (the database gone for a
  moment, the mail server refusing for now) are retried with exponential backoff and jitter,
  so that many tasks failing together do not come back together; any other error fails it.
- **Arguments are JSON ids**: never model instances, which would be stale by the time the task
  runs, and never clinical text or names, which would sit unencrypted in the broker.
"""

import contextlib
import functools
import smtplib

from celery import shared_task
from django.db import OperationalError

from api.tenancy import all_practices, practice_scope

# Errors that may pass by themselves. A connection refused or timed out is an OSError.
TRANSIENT_ERRORS = (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError)

RETRY_ON_TRANSIENT_ERRORS = {
    "autoretry_for": TRANSIENT_ERRORS,
    # Up to 5, 10, 20 … seconds, then 10 minutes at most (below the broker's visibility
    # timeout, settings), each drawn at random below that: ten retries over at most 40 minutes.
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


def practice_task(*args, **options):
    """`@practice_task` (or `@practice_task(name=…, …)`, Celery's task options): a task whose
    first argument is a practice id and whose body runs in that practice's scope, retried on
    transient errors. The scope is inside the retries: a failed attempt's transaction is rolled
    back before the next begins."""
    return _scoped_task(lambda practice_id, *_: practice_scope(practice_id), args, options)


def network_task(*args, **options):
    """`@network_task`: a practice's task that waits on another system (a webhook's POST) and
    so enters the practice's scope itself, once before and once after the wait, holding no
    transaction or row lock while it waits. Retried on transient errors."""
    return _scoped_task(lambda *_: contextlib.nullcontext(), args, options)


def periodic_task(*args, **options):
    """`@periodic_task`: a task of the schedule (`CELERY_BEAT_SCHEDULE`), which works across
    practices: its body runs in `all_practices()`, retried on transient errors."""
    return _scoped_task(lambda *_: all_practices(), args, options)


def _scoped_task(scope, args: tuple, options: dict):
    """A task decorator, used bare or with Celery's options, whose body runs in
    `scope(*the task's arguments)`."""

    def decorate(body):
        @functools.wraps(body)
        def in_scope(*task_args, **kwargs):
            with scope(*task_args):
                return body(*task_args, **kwargs)

        return shared_task(**{**RETRY_ON_TRANSIENT_ERRORS, **options})(in_scope)

    if len(args) == 1 and callable(args[0]) and not options:
        return decorate(args[0])
    return decorate


def claim_due(queryset, *, limit: int = 500) -> list:
    """Up to `limit` rows of `queryset` (the rows due now), locked until the transaction ends;
    rows another transaction holds are skipped, not waited for. Call it inside the transaction
    that makes them no longer due (a `periodic_task`, or `all_practices()`).

    On SQLite, which has no row locks, `make run`'s transactions take the database's write
    lock when they begin (settings), so two claims run one after the other and the second finds
    the rows no longer due."""
    return list(queryset.select_for_update(skip_locked=True, of=("self",))[:limit])
