"""A fake DNS for the webhook tests (names answer what a test says; address literals resolve as
themselves) and a real HTTP receiver on loopback that records what it is sent."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.events import services
from api.events.models import Topic, WebhookEndpoint
from tests.events.conftest import PHQ9_AT_RISK, record_phq9_at_risk  # noqa: F401 (shared)

PUBLIC_ADDRESS = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch):
    """`dns["hooks.example.com"] = "10.0.0.1"` makes that name resolve to that address; any
    other name does not resolve, and addresses resolve as themselves."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        try:
            return real(host, port, *args, flags=socket.AI_NUMERICHOST, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


class Receiver:
    """Answers each POST with the next of `statuses` (the last one once they run out)."""

    def __init__(self, statuses=(204,)):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        # Set `hold` to leave the next request unanswered until `released` is set;
        # `arrived` is set when that request has come.
        self.hold = threading.Event()
        self.arrived = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                if receiver.hold.is_set():
                    receiver.hold.clear()
                    receiver.arrived.set()
                    receiver.released.wait(30)
                    return
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("location", f"http://127.0.0.1:{self.server.server_port}/x")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/rootwise"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    """A receiver on loopback, reached over plain http (DEBUG on) by an endpoint allowed the
    private network."""
    settings.DEBUG = True
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def endpoint_to(practice):
    def create(url: str, *topics: Topic, allow_private_network: bool = True) -> WebhookEndpoint:
        return services.endpoint_create(
            practice_id=practice.pk,
            url=url,
            topics=list(topics or Topic.values),
            allow_private_network=allow_private_network,
        )

    return create
