"""The running topology, as tests/topology/run describes it in TOPOLOGY_* variables: where the
proxy and each instance answer, HTTP calls from a chosen loopback address, signing in, and the
services (each a script in $TOPOLOGY_WORK/services, its pid in …/pids) to stop or start again.

Every address is on loopback. Each check calls from a loopback address of its own (127.0.0.N),
so that limits kept per client address (sign-in throttle, lock-out) do not mix between checks.
"""

# The checks start services with commands the run script wrote.
# ruff: noqa: S603, S607

import functools
import http.client
import json
import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("TOPOLOGY_WORK", "/nonexistent"))
PROXY = os.environ.get("TOPOLOGY_PROXY", "http://127.0.0.1:8480")
INSTANCES = dict(
    item.split("=", 1) for item in os.environ.get("TOPOLOGY_INSTANCES", "").split(",") if item
)
OWNER_DATABASE_URL = os.environ.get("TOPOLOGY_OWNER_DATABASE_URL", "")
APP_DATABASE_URL = os.environ.get("TOPOLOGY_APP_DATABASE_URL", "")  # PgBouncer, as the app role
RUN = format(int(time.time()), "x")  # tells this run's records from earlier ones

DEMO_PASSWORD = "rootwise-demo-2026"
SCALE_PASSWORD = "rootwise-scale-2026"
CLINICIAN = "clinician@demo.rootwise.test"
SCALE_DOMAIN = "topology-practice.scale.rootwise.test"


def scale_user(name: str) -> str:
    return f"{name}@{SCALE_DOMAIN}"


class CheckFailed(Exception):
    """What a check found wrong, in a sentence."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def served_by(self) -> str:
        return self.headers.get("x-served-by", "")

    def __str__(self) -> str:
        return f"{self.status} {self.body[:300].decode(errors='replace')}"


def call(
    base: str,
    method: str,
    path: str,
    *,
    body=None,
    token: str | None = None,
    headers: dict | None = None,
    source: str = "127.0.0.1",
    timeout: float = 30,
) -> Answer:
    """One request on a connection of its own from loopback address `source`. `path` may be a
    full URL of any instance (a `next` link): only its path and query are sent, to `base`."""
    parts = urlsplit(base)
    if path.startswith("http"):
        link = urlsplit(path)
        path = link.path + (f"?{link.query}" if link.query else "")
    sent = {"Accept": "application/json", **(headers or {})}
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    if token:
        sent["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        received = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, received, response.read())
    finally:
        connection.close()


@functools.cache
def sign_in(email: str, password: str = DEMO_PASSWORD, source: str = "127.0.0.2") -> str:
    """An access token for `email`, signed in through the proxy (kept for the run: tokens last
    ten minutes, the run less)."""
    answer = call(
        PROXY,
        "POST",
        "/api/v1/auth/token/",
        body={"email": email, "password": password},
        source=source,
    )
    expect(answer.status == 200, f"signing in as {email} answered {answer}")
    return answer.json["access"]


def owner_database() -> psycopg.Connection:
    """The primary as the tables' owner, to look at what was stored across practices."""
    return psycopg.connect(OWNER_DATABASE_URL, autocommit=True)


# --- Services ---------------------------------------------------------------------------------

_started: dict[str, subprocess.Popen] = {}


def pid(name: str) -> int:
    return int((WORK / "pids" / f"{name}.pid").read_text())


def _alive(name: str) -> bool:
    process = _started.get(name)
    if process is not None:
        return process.poll() is None
    try:
        os.killpg(pid(name), 0)
    except (ProcessLookupError, FileNotFoundError):
        return False
    return True


def stop(name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Signal the service's process group and wait until it is gone."""
    try:
        os.killpg(pid(name), sig)
    except (ProcessLookupError, FileNotFoundError):  # gone, or never started
        return
    deadline = time.monotonic() + timeout
    while _alive(name):
        if time.monotonic() > deadline:
            os.killpg(pid(name), signal.SIGKILL)
        time.sleep(0.05)


def start(name: str) -> None:
    """Run the service's script in a process group of its own, as the run script does."""
    with (WORK / "logs" / f"{name}.log").open("a") as log:
        process = subprocess.Popen(
            ["bash", str(WORK / "services" / name)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _started[name] = process
    (WORK / "pids" / f"{name}.pid").write_text(str(process.pid))


def app_environment() -> dict[str, str]:
    """The environment every app process of the topology gets ($TOPOLOGY_WORK/app.env)."""
    lines = (WORK / "app.env").read_text().splitlines()
    return {**os.environ, **dict(shlex.split(line)[0].split("=", 1) for line in lines if line)}


def write_service(name: str, command: list[str], **environment: str) -> None:
    """A service script of the app's environment, with `environment` over it, running
    `command`."""
    lines = [f"set -a; . '{WORK / 'app.env'}'; set +a", f"cd '{ROOT}'"]
    lines += [f"export {key}='{value}'" for key, value in environment.items()]
    lines.append("exec " + " ".join(f"'{part}'" for part in command))
    (WORK / "services" / name).write_text("\n".join(lines) + "\n")


def wait_until(condition, what: str, timeout: float = 30, interval: float = 0.2):
    """The first truthy value of `condition()` within `timeout` seconds, or CheckFailed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(interval)
    raise CheckFailed(f"{what} did not happen within {timeout:.0f} s")


def serves(base: str) -> bool:
    return call(base, "GET", "/health/ready", timeout=5).status == 200


def proxy_spreads_over(names: set[str], source: str = "127.0.0.1") -> bool:
    """Whether requests through the proxy reach every one of `names` (a few tries each)."""
    seen = {call(PROXY, "GET", "/health/live", source=source).served_by for _ in names}
    seen |= {call(PROXY, "GET", "/health/live", source=source).served_by for _ in names}
    return names <= seen
