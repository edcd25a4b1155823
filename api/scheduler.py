"""The periodic tasks' clock without Celery beat: every task of `CELERY_BEAT_SCHEDULE` sent
when its interval has passed. Without a broker `make run`'s server runs this in a thread of its
own, and each task runs in-process; with one, `celery -A api beat` is the clock instead
(docs/deployment.md). Running both, or many, is safe: periodic tasks claim what is due with
row locks (api/tasks.py), so a second tick finds nothing left."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

from api.celery import app

logger = logging.getLogger(__name__)


def send_due(last_sent: dict, now: float) -> list[str]:
    """Send each periodic task whose interval has passed since `last_sent[name]`."""
    sent = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if now - last_sent.get(name, float("-inf")) < float(entry["schedule"]):
            continue
        last_sent[name] = now
        try:
            app.tasks[entry["task"]].delay()
        except Exception:
            logger.exception("Periodic task %s failed", name)
        sent.append(name)
    return sent


def load_tasks() -> None:
    """Register every task (CELERY_IMPORTS and each app's tasks.py), as a worker does when it
    starts: a process of its own (`manage.py run_scheduler`) imports none of them otherwise."""
    app.loader.import_default_modules()


def run(stop: threading.Event, *, resolution: float = 1.0) -> None:
    """Send due periodic tasks until `stop` is set."""
    load_tasks()
    last_sent: dict = {}
    while not stop.is_set():
        send_due(last_sent, time.monotonic())
        # Without a broker the tasks ran in this thread: its connection is let go as a
        # request's is (at once under runserver), not kept for the life of the process.
        close_old_connections()
        stop.wait(resolution)


def start_in_thread() -> threading.Event:
    """The clock in a daemon thread, ended with the process or by setting the event returned."""
    stop = threading.Event()
    threading.Thread(target=run, args=(stop,), name="periodic-tasks", daemon=True).start()
    return stop
