"""`make run`'s development server, with a listen queue that holds a front end's burst, and,
without a task broker, the periodic tasks' clock beside it (api/scheduler.py).

Django's server queues 10 connections not yet accepted; a front end opening 30 at once (tabs,
parallel fetches) saw some of them reset. Serving static files is unchanged.
"""

from django.conf import settings
from django.contrib.staticfiles.management.commands import runserver
from django.core.servers.basehttp import WSGIServer

from api import scheduler


class BurstTolerantWSGIServer(WSGIServer):
    request_queue_size = 128


class Command(runserver.Command):
    server_cls = BurstTolerantWSGIServer

    def inner_run(self, *args, **options):
        # Without a broker nothing else would run the periodic tasks; with one, `celery beat`
        # does. inner_run is the serving process, not the autoreloader watching it.
        if settings.CELERY_TASK_ALWAYS_EAGER:
            scheduler.start_in_thread()
            self.stdout.write("Periodic tasks run in this process (no REDIS_URL).")
        super().inner_run(*args, **options)
