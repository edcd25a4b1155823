"""`make run`'s development server, with a listen queue that holds a front end's burst.

Django's server queues 10 connections not yet accepted; a front end opening 30 at once (tabs,
parallel fetches) saw some of them reset. Serving static files is unchanged.
"""

from django.contrib.staticfiles.management.commands import runserver
from django.core.servers.basehttp import WSGIServer


class BurstTolerantWSGIServer(WSGIServer):
    request_queue_size = 128


class Command(runserver.Command):
    server_cls = BurstTolerantWSGIServer
