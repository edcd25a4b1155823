"""A read replica for the tests that need one: the `replica` database, added for one test.

- `replica`: a second connection to the test database, as the app role and read-only, as a
  hot standby is. It is outside the test's transaction, so it sees what is committed and not
  what the test wrote: a replica that has not yet applied the test's writes.
- `unreachable_replica`: a server on loopback that accepts a connection and hangs up at once,
  counting the connections made to it: the requests that tried the replica.
"""

import socket
import threading
import warnings

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.utils import load_backend

from api.db_router import REPLICA
from tests.conftest import APP_ROLE

ROUTERS = ["api.db_router.ReplicaRouter"]


def _as_standby(sender, connection, **kwargs):
    if connection.alias == REPLICA and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {APP_ROLE}")
            cursor.execute("SET default_transaction_read_only = on")


def _add_replica(database: dict, settings):
    """The replica's alias is known to the settings, as DATABASE_REPLICA_URL makes it, and its
    connection made here: not one of the test databases that Django's test case guards."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Overriding setting DATABASES")
        settings.DATABASES = {**settings.DATABASES, REPLICA: database}
    settings.DATABASE_ROUTERS = ROUTERS
    connections[REPLICA] = load_backend(database["ENGINE"]).DatabaseWrapper(database, REPLICA)
    connection_created.connect(_as_standby)
    try:
        yield connections[REPLICA]
    finally:
        connection_created.disconnect(_as_standby)
        connections[REPLICA].close()
        del connections[REPLICA]


@pytest.fixture
def replica(settings):
    yield from _add_replica(dict(connections["default"].settings_dict), settings)


class HangingUp:
    """Accepts connections on loopback and closes each at once, counting them."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.count = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                accepted, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.count += 1
            accepted.close()

    def stop(self):
        self.stopped.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def unreachable_replica(settings):
    """The replica's server, hanging up: its `count` of connections grows with each request
    that tries the replica (by one or two: libpq tries again without TLS)."""
    server = HangingUp()
    database = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "rootwise",
        "USER": "rootwise_app",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": server.port,
        "OPTIONS": {"connect_timeout": 1},
    }
    try:
        for _ in _add_replica(database, settings):
            yield server
    finally:
        server.stop()
