"""Settings for the webhook fan-out benchmark: Rootwise's, with background tasks on a queue of
the benchmark's own, so its workers take no one else's tasks and no one else takes its.
To see where the time goes, BENCH_DISPATCH_SECONDS changes the dispatch tick's interval (5 s, as
in production) and BENCH_DB_REUSE_MAX sets CELERY_DB_REUSE_MAX (unset, as in production: Celery
closes the database connection around every task)."""

import os

from api.settings import *  # noqa: F403
from api.settings import CELERY_BEAT_SCHEDULE

CELERY_TASK_DEFAULT_QUEUE = "rootwise-bench-webhooks"
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "webhooks-dispatch": {
        **CELERY_BEAT_SCHEDULE["webhooks-dispatch"],
        "schedule": float(os.environ.get("BENCH_DISPATCH_SECONDS", "5")),
    },
}
if os.environ.get("BENCH_DB_REUSE_MAX"):  # tasks between Celery's closing the connection
    CELERY_DB_REUSE_MAX = int(os.environ["BENCH_DB_REUSE_MAX"])
