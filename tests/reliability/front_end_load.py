#!/usr/bin/env python3
"""A busy front end against the two-command setup (`make run`: Django's development server):
concurrent browser tabs of one clinician, each recording sessions and reading the client's
progress after each, as fast as the server answers. Prints the answers by kind and status and
exits 1 if any was not a success (a 503 "database is locked" or "too many clients", say).

    tests/reliability/front_end_load.py               # a fresh SQLite file, 30 tabs x 5 sessions
    DATABASE_URL=postgres://…/rootwise_load tests/reliability/front_end_load.py
    tests/reliability/front_end_load.py --tabs 10 --sessions 3 --port 8831

The database is migrated and given the demo practice first. Loopback only; bounded: at most
50 tabs of 20 sessions, 30 seconds per request, and the server is stopped at the end.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_CLINICIAN = ("clinician@demo.rootwise.test", "rootwise-demo-2026")
REQUEST_TIMEOUT = 30
MAX_TABS, MAX_SESSIONS = 50, 20


def call(url: str, method: str = "GET", body: dict | None = None, token: str = "") -> tuple:
    """(status, JSON body or None) of one request; never raises for an HTTP error status."""
    request = urllib.request.Request(  # noqa: S310 (loopback, checked in serve())
        url, data=json.dumps(body).encode() if body is not None else None, method=method
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def sign_in(base_url: str, email: str, password: str) -> str:
    status, body = call(
        f"{base_url}/api/v1/auth/token/", "POST", {"email": email, "password": password}
    )
    if status != 200:
        raise RuntimeError(f"sign-in answered {status}: {body}")
    return body["access"]


SESSION = {  # a session recorded after it took place, as a tab records one
    "starts_at": "2026-02-02T10:00:00Z",
    "status": "completed",
    "duration_minutes": 50,
    "modality": "video",
    "kind": "individual",
}


def run_load(base_url: str, token: str, client_id: str, *, tabs: int, sessions: int) -> Counter:
    """`tabs` concurrent tabs each POST `sessions` sessions for the client, reading its
    progress after each. Returns a Counter of ("write" | "read", status)."""
    tabs, sessions = min(tabs, MAX_TABS), min(sessions, MAX_SESSIONS)

    def answer(*args, **kwargs) -> int | str:
        try:
            return call(*args, **kwargs)[0]
        except OSError as error:  # the server dropped the connection, or never answered
            return type(error).__name__

    def tab(_: int) -> Counter:
        answers = Counter()
        for _ in range(sessions):
            session = {**SESSION, "client": client_id}
            answers["write", answer(f"{base_url}/api/v1/sessions/", "POST", session, token)] += 1
            progress = f"{base_url}/api/v1/clients/{client_id}/progress/"
            answers["read", answer(progress, token=token)] += 1
        return answers

    with ThreadPoolExecutor(max_workers=tabs) as pool:
        return sum(pool.map(tab, range(tabs)), Counter())


def failures(answers: Counter) -> int:
    return sum(
        n for (kind, status), n in answers.items() if status != (201 if kind == "write" else 200)
    )


@contextlib.contextmanager
def serve(database_url: str, port: int, log: Path, *, prepare: bool = True):
    """`manage.py runserver` on 127.0.0.1:`port` (DEBUG on, as `make run` serves), after
    migrating and loading the demo practice when `prepare`, logging to `log`; stopped on
    leaving."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    if prepare:
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["load_demo"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                if call(f"{base_url}/health/ready")[0] == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("the development server did not start")
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


def first_client_of(base_url: str, token: str) -> str:
    status, body = call(f"{base_url}/api/v1/clients/?page_size=1", token=token)
    if status != 200 or not body["results"]:
        raise RuntimeError(f"the client list answered {status}")
    return body["results"][0]["id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--port", type=int, default=8830)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{work}/load.sqlite3"
        log = Path(work) / "server.log"
        with serve(database_url, args.port, log) as base_url:
            token = sign_in(base_url, *DEMO_CLINICIAN)
            client_id = first_client_of(base_url, token)
            started = time.monotonic()
            answers = run_load(base_url, token, client_id, tabs=args.tabs, sessions=args.sessions)
            elapsed = time.monotonic() - started
        errors = [line for line in log.read_text().splitlines() if "Error" in line]
    for (kind, status), n in sorted(answers.items(), key=str):
        print(f"{kind:5} {status}: {n}")
    print(f"{failures(answers)} failed of {sum(answers.values())} requests in {elapsed:.1f} s")
    print(*sorted(set(errors))[:10], sep="\n")
    return 1 if failures(answers) else 0


if __name__ == "__main__":
    sys.exit(main())
