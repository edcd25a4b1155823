"""The receiver examples of docs/webhooks.md ("Verifying a delivery"), run as written against
what Rootwise sends: a real delivery, signed by api/events/delivery.py and received on loopback.
The Python example runs here; the TypeScript one is compiled with tests/typescript's `tsc`
(as strict as the client, no type escapes) and run by Node.js, as a Node server would call it:
headers lower-cased and typed as Node's `IncomingHttpHeaders`, the body as bytes."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from api.events.delivery import deliver
from api.events.models import Topic, WebhookDelivery
from api.events.services import new_secret, rotate_secret
from api.events.tasks import fan_out
from clients.models import ClientStatus
from clients.services import client_update
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "webhooks.md"
TYPESCRIPT = Path(settings.BASE_DIR) / "tests" / "typescript"

# Reads one request ({secret, body, headers}) on stdin and prints what the example made of it.
TYPESCRIPT_CALLER = """\
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { verifyRootwiseWebhook } from "./receiver.mjs";

const request: { secret: string; body: string; headers: IncomingHttpHeaders } = JSON.parse(
  readFileSync(0, "utf8"),
);
try {
  const body = Buffer.from(request.body, "utf8");
  const event = verifyRootwiseWebhook(request.secret, body, request.headers);
  console.log(JSON.stringify({ verified: true, event }));
} catch {
  console.log(JSON.stringify({ verified: false }));
}
"""


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", DOC.read_text(), re.MULTILINE | re.DOTALL)


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


@pytest.fixture(scope="module")
def typescript_example(tmp_path_factory):
    """The doc's TypeScript example compiled: a function of (request, secret) that answers the
    event it verified, or None when it refused the request."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: docs/webhooks.md's TypeScript example is unchecked")
    (example,) = code_blocks("ts")
    build = tmp_path_factory.mktemp("receiver")
    (build / "receiver.mts").write_text(example)
    (build / "caller.mts").write_text(TYPESCRIPT_CALLER)
    (build / "tsconfig.json").write_text(
        json.dumps(
            {
                "extends": str(TYPESCRIPT / "tsconfig.json"),
                "compilerOptions": {
                    "outDir": str(build),
                    "typeRoots": [str(TYPESCRIPT / "node_modules" / "@types")],
                },
                "files": ["receiver.mts", "caller.mts"],
            }
        )
    )
    for step in (
        [str(TYPESCRIPT / "install")],
        ["node", str(TYPESCRIPT / "check-no-escapes.mjs"), str(build / "receiver.mts")],
        [str(TYPESCRIPT / "node_modules" / ".bin" / "tsc"), "--project", str(build)],
    ):
        result = run(step, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

    def verify(request: dict, secret: str) -> dict | None:
        given = {
            "secret": secret,
            "body": request["body"],
            "headers": {name.lower(): value for name, value in request["headers"].items()},
        }
        result = run(["node", str(build / "caller.mjs")], input=json.dumps(given), timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr
        answer = json.loads(result.stdout)
        return answer["event"] if answer["verified"] else None

    return verify


def python_receiver(secret: str):
    """The doc's Python example, with the receiver's own de-duplication and handling: its
    `receive`, and the events it handled."""
    (example,) = code_blocks("python")
    seen: set[str] = set()
    handled: list[dict] = []
    namespace = {
        "ROOTWISE_WEBHOOK_SECRET": secret,
        "already_seen": seen.__contains__,
        "remember": seen.add,
        "handle": lambda type, data: handled.append({"type": type, "data": data}),
    }
    exec(compile(example, str(DOC), "exec"), namespace)  # noqa: S102 (the doc's own example)
    return namespace["receive"], handled


def python_example(request: dict, secret: str) -> dict | None:
    receive, handled = python_receiver(secret)
    status = receive(request["body"].encode(), request["headers"])
    assert status in (204, 401)
    return handled[0] if status == 204 else None


@pytest.fixture(params=["python", "typescript"])
def verify(request):
    """Each example of the doc: the event it verified from a request, or None if it refused."""
    if request.param == "typescript":
        return request.getfixturevalue("typescript_example")
    return python_example


@pytest.fixture(scope="module")
def loopback_receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def receiver(loopback_receiver, settings):
    """conftest's receiver, started once for the module (stopping one takes half a second)."""
    settings.DEBUG = True
    loopback_receiver.requests.clear()
    return loopback_receiver


@pytest.fixture
def endpoint(receiver, endpoint_to):
    return endpoint_to(receiver.url, Topic.CLIENT_DISCHARGED)


@pytest.fixture
def discharged(receiver, endpoint, client_record, clinician):
    """Discharge the client and deliver its `client.discharged` event to the receiver at `at`
    (now, unless given): the request as received."""

    def send(*, at=None) -> dict:
        at = at or timezone.now()
        client_update(client=client_record, by=clinician, status=ClientStatus.DISCHARGED)
        fan_out(at)
        row = WebhookDelivery.objects.get()
        deliver(row.practice_id, row.pk, now=at)
        (request,) = receiver.requests
        return request

    return send


def test_what_rootwise_sends_verifies_and_is_the_event(verify, discharged, endpoint):
    request = discharged()

    event = verify(request, endpoint.secret)

    sent = json.loads(request["body"])
    assert sent["type"] == "client.discharged"
    assert event is not None
    assert {"type": event["type"], "data": event["data"]} == {
        "type": sent["type"],
        "data": sent["data"],
    }


def test_a_tampered_body_is_refused(verify, discharged, endpoint, other_practice):
    request = discharged()
    sent = json.loads(request["body"])
    body = request["body"].replace(sent["data"]["practice"], str(other_practice.pk))
    assert body != request["body"]

    assert verify({**request, "body": body}, endpoint.secret) is None


def test_another_secret_is_refused(verify, discharged):
    request = discharged()

    assert verify(request, new_secret()) is None


@pytest.mark.parametrize(
    ("sent_ago", "verifies"),
    [
        (timedelta(minutes=4), True),
        (timedelta(minutes=6), False),
        (timedelta(minutes=-6), False),
    ],
    ids=["4 minutes ago", "6 minutes ago", "6 minutes ahead"],
)
def test_a_timestamp_more_than_five_minutes_from_now_is_refused(
    verify, discharged, endpoint, sent_ago, verifies
):
    request = discharged(at=timezone.now() - sent_ago)

    assert (verify(request, endpoint.secret) is not None) == verifies


def test_during_a_rotation_either_secret_verifies(verify, discharged, endpoint):
    old_secret = endpoint.secret
    rotate_secret(endpoint)

    request = discharged()

    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    assert verify(request, old_secret) is not None
    assert verify(request, endpoint.secret) is not None
    assert verify(request, new_secret()) is None


@pytest.mark.parametrize(
    "signature", [None, "", "garbage", "v1,", "v1,not base64!", "v2,{valid}", "{valid}"]
)
def test_a_missing_or_malformed_signature_is_refused(verify, discharged, endpoint, signature):
    request = discharged()
    headers = dict(request["headers"])
    valid = headers.pop("webhook-signature").removeprefix("v1,")
    if signature is not None:
        headers["webhook-signature"] = signature.format(valid=valid)

    assert verify({**request, "headers": headers}, endpoint.secret) is None


def test_the_python_example_handles_a_redelivered_event_once(discharged, endpoint):
    request = discharged()
    receive, handled = python_receiver(endpoint.secret)

    statuses = [receive(request["body"].encode(), request["headers"]) for _ in range(2)]

    assert statuses == [204, 204]
    assert [event["type"] for event in handled] == ["client.discharged"]
