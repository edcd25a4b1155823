"""`manage.py run_scheduler`: the periodic tasks' clock as a process of its own (api/scheduler.py),
for a deployment without `celery beat`."""

import contextlib
import threading

from django.core.management.base import BaseCommand

from api import scheduler


class Command(BaseCommand):
    help = "Send the periodic tasks (CELERY_BEAT_SCHEDULE) when due, until interrupted."

    def handle(self, *args, **options):
        self.stdout.write("Sending periodic tasks when due; Ctrl-C to stop.")
        with contextlib.suppress(KeyboardInterrupt):
            scheduler.run(threading.Event())
