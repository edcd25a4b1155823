"""Checks of the read replica against a running Rootwise (docs/deployment.md, "Read replica").

Run by the topology script once the API serves with `DATABASE_REPLICA_URL` naming a streaming
standby that applies changes late (`recovery_min_apply_delay`, a few seconds), on the demo
practice's data. It starts nothing itself:

    python -m tests.topology.replica_checks                    # the standby is up and lagging
    python -m tests.topology.replica_checks --replica-stopped  # the standby has been stopped

Environment: `ROOTWISE_API_URL` (default http://127.0.0.1:8000); `DATABASE_URL` and
`DATABASE_REPLICA_URL`, the primary and the standby, asked only whether they are what they
should be; `REPLICA_READ_YOUR_WRITES_SECONDS` as the API has it (default 5);
`REPLICA_CHECK_WRITER` and `REPLICA_CHECK_READER`, two users of one practice, the reader
seeing the writer's clients (defaults: the demo clinician and the demo admin),
`REPLICA_CHECK_PASSWORD` (the demo password by default). Prints each check with PASS or FAIL,
and exits 1 if any failed.

With the standby up: the writer sees the client it just created at once (it reads from the
primary after writing); the reader, who wrote nothing lately, does not yet (lists come from the
standby), and does once the standby has applied it. With the standby stopped: the reader's
lists still answer 200, with that new client in them (the primary serves them).
"""

import argparse
import os
import sys
import time
import uuid

import psycopg
import requests

DEMO_PASSWORD = "rootwise-demo-2026"  # the demo data's (README)
APPLIED_WITHIN = 60  # seconds the standby may take to show a change, its apply delay included
IN_RECOVERY = "SELECT pg_is_in_recovery()"


class Api:
    def __init__(self, base: str, email: str, password: str):
        self.base = base.rstrip("/")
        self.session = requests.Session()
        signed_in = self.call("POST", "/api/v1/auth/token/", {"email": email, "password": password})
        self.session.headers["Authorization"] = f"Bearer {signed_in['access']}"

    def call(self, method: str, path: str, body=None, *, expect=(200, 201, 204)):
        response = self.session.request(method, self.base + path, json=body, timeout=30)
        if response.status_code not in expect:
            raise AssertionError(
                f"{method} {path} answered {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None

    def client_ids(self, family_name: str) -> list[str]:
        page = self.call("GET", f"/api/v1/clients/?search={family_name}")
        return [row["id"] for row in page["results"]]


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name: str, passed: bool, detail: str = "") -> bool:
        print(f"{'PASS' if passed else 'FAIL'}  {name}{f' ({detail})' if detail else ''}")
        self.failed += not passed
        return passed


def _setting(url: str, sql: str):
    with psycopg.connect(url, connect_timeout=5) as connection:
        return connection.execute(sql).fetchone()[0]


def _databases_are_what_they_should_be(checks: Checks) -> None:
    primary, standby = os.environ["DATABASE_URL"], os.environ["DATABASE_REPLICA_URL"]
    checks.check("the primary is not in recovery", not _setting(primary, IN_RECOVERY))
    checks.check("the replica is a standby", _setting(standby, IN_RECOVERY))
    delay = _setting(standby, "SELECT current_setting('recovery_min_apply_delay')")
    checks.check("the standby applies changes late", delay not in ("0", "0ms"), delay)


def _signed_in() -> tuple[Api, Api]:
    """The writer and the reader, signed in; a sign-in counts as a write, so the window in
    which the reader's lists come from the primary is waited out."""
    base = os.environ.get("ROOTWISE_API_URL", "http://127.0.0.1:8000")
    password = os.environ.get("REPLICA_CHECK_PASSWORD", DEMO_PASSWORD)
    writer = Api(
        base, os.environ.get("REPLICA_CHECK_WRITER", "clinician@demo.rootwise.test"), password
    )
    reader = Api(base, os.environ.get("REPLICA_CHECK_READER", "admin@demo.rootwise.test"), password)
    time.sleep(int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "5")) + 1)
    return writer, reader


def _new_client(writer: Api) -> tuple[str, str]:
    family_name = f"Replica{uuid.uuid4().hex[:10]}"
    created = writer.call(
        "POST", "/api/v1/clients/", {"given_name": "Check", "family_name": family_name}
    )
    return created["id"], family_name


def _remove(writer: Api, client_id: str) -> None:
    writer.call("DELETE", f"/api/v1/clients/{client_id}/", expect=(204, 403, 404))


def with_a_lagging_replica(checks: Checks) -> None:
    _databases_are_what_they_should_be(checks)
    writer, reader = _signed_in()
    client_id, family_name = _new_client(writer)
    try:
        checks.check(
            "the writer's list shows the client it just created (read-your-writes)",
            writer.client_ids(family_name) == [client_id],
        )
        checks.check(
            "the reader's list does not show it yet (lists come from the lagging replica)",
            reader.client_ids(family_name) == [],
        )
        deadline = time.monotonic() + APPLIED_WITHIN
        while reader.client_ids(family_name) != [client_id] and time.monotonic() < deadline:
            time.sleep(0.5)
        checks.check(
            "the reader's list shows it once the replica has applied it",
            reader.client_ids(family_name) == [client_id],
        )
    finally:
        _remove(writer, client_id)


def with_the_replica_stopped(checks: Checks) -> None:
    writer, reader = _signed_in()
    client_id, family_name = _new_client(writer)
    try:
        for attempt in ("first", "second"):
            started = time.monotonic()
            seen = reader.client_ids(family_name)  # a 5xx fails the call
            elapsed = time.monotonic() - started
            checks.check(
                f"the reader's {attempt} list answers 200 with current data (from the primary)",
                seen == [client_id],
                f"{elapsed:.2f} s",
            )
    finally:
        _remove(writer, client_id)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replica-stopped", action="store_true", help="the standby is down")
    arguments = parser.parse_args(argv)
    checks = Checks()
    try:
        if arguments.replica_stopped:
            with_the_replica_stopped(checks)
        else:
            with_a_lagging_replica(checks)
    except KeyError as missing:
        checks.check("the environment names both databases", False, f"{missing} is not set")
    except (AssertionError, requests.RequestException, psycopg.Error) as error:
        checks.check("the checks ran to the end", False, str(error))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
