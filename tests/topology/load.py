"""Load through HAProxy to three instances beside one instance alone: same data, same machine,
same wrk (`tests/topology/run load`; the figures in docs/performance.md).

For the client list (20) and a clinician's mix (one write in five, tests/topology/mix.lua),
as clinician001 of the seeded practice (1,000 clients; 250 in the caseload), wrk -t2 -c8 for
BENCH_DURATION seconds (10) after a 2 s warm-up, against:

- one instance, no pooler: gunicorn alone, connecting to PostgreSQL itself;
- one instance: gunicorn alone (app1), through PgBouncer;
- the proxy, one instance: HAProxy in front of app1 alone (app2 and app3 disabled in HAProxy);
- the proxy, three instances: HAProxy in front of app1-app3.

Every instance has WEB_CONCURRENCY workers and serves as the app role under row-level
security; the Celery workers and scheduler run throughout. The settings take turns, in a
different order each round (BENCH_ROUNDS, 3), so that whatever else the machine does falls
on all of them alike; the medians are printed as a Markdown table, with each setting's range of
req/s. Asserts nothing beyond the answers being successes.
"""

# A harness that runs wrk with arguments it builds itself.
# ruff: noqa: S603, S607

import os
import re
import socket
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.topology.topology import (
    INSTANCES,
    PROXY,
    SCALE_PASSWORD,
    WORK,
    app_environment,
    owner_database,
    scale_user,
    serves,
    sign_in,
    start,
    stop,
    wait_until,
    write_service,
)

HERE = Path(__file__).resolve().parent
LUA = {
    "client list (20)": str(HERE.parent / "benchmarks" / "wrk.lua"),
    "mix, 1 write in 5": str(HERE / "mix.lua"),
}
PATHS = {"client list (20)": "/api/v1/clients/?page_size=20", "mix, 1 write in 5": "/"}
DIRECT, DIRECT_BASE = "direct", "http://127.0.0.1:8484"
SETTINGS = {  # name: (where wrk sends, the instances HAProxy sends to)
    "one instance, no pooler": (DIRECT_BASE, {"app1"}),
    "one instance": (INSTANCES.get("app1", ""), {"app1"}),
    "proxy, one instance": (PROXY, {"app1"}),
    "proxy, three instances": (PROXY, set(INSTANCES)),
}


def wrk(base: str, label: str, environment: dict) -> dict:
    threads = os.environ.get("BENCH_THREADS", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    for duration in ("2", os.environ.get("BENCH_DURATION", "10")):  # warm-up, then measure
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout=30s",
             "-s", LUA[label], base + PATHS[label]],
            env=environment, capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip
    line = re.search(r"BENCH-RESULT (.*)", output).group(1)
    result = {key: int(value) for key, value in (field.split("=") for field in line.split())}
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50": result["p50"] / 1000,
        "p99": result["p99"] / 1000,
        "errors": result["status_errors"] + result["socket_errors"],
    }


def proxy_sends_to(names: set[str]) -> None:
    """Enable exactly `names` among HAProxy's servers (its runtime API)."""
    for name in INSTANCES:
        command = "enable" if name in names else "disable"
        with socket.socket(socket.AF_UNIX) as admin:
            admin.connect(str(WORK / "haproxy.sock"))
            admin.sendall(f"{command} server rootwise/{name}\n".encode())
            admin.recv(1024)


def start_direct_instance() -> None:
    """A gunicorn instance like the others, but connecting to PostgreSQL itself."""
    url = app_environment()["DATABASE_URL"].replace(":6432/", ":5432/")
    write_service(
        DIRECT,
        [".venv/bin/gunicorn", "-c", "api/gunicorn.conf.py"],
        GUNICORN_BIND=DIRECT_BASE.removeprefix("http://"),
        DATABASE_URL=url,
        DB_POOLER="",
    )
    start(DIRECT)
    wait_until(lambda: serves(DIRECT_BASE), "the instance without a pooler", timeout=60)


def fixtures() -> dict:
    with owner_database() as db:
        user = db.execute(
            "SELECT id FROM accounts_user WHERE email = %s", (scale_user("clinician001"),)
        ).fetchone()[0]
        read, write = db.execute(
            "SELECT id FROM clients_client WHERE primary_clinician_id = %s "
            "ORDER BY external_id LIMIT 2",
            (user,),
        ).fetchall()
    return {"MIX_READ_CLIENT": str(read[0]), "MIX_WRITE_CLIENT": str(write[0])}


def main() -> int:
    token = sign_in(scale_user("clinician001"), SCALE_PASSWORD)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    environment = {**os.environ, "BENCH_TOKEN": token, "MIX_DATE": yesterday, **fixtures()}
    start_direct_instance()
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    load_before = os.getloadavg()[0]
    results: dict[tuple, list] = {}
    order = list(SETTINGS)
    try:
        for number in range(rounds):
            for setting in order[number % len(order) :] + order[: number % len(order)]:
                base, behind_proxy = SETTINGS[setting]
                proxy_sends_to(behind_proxy)
                for label in LUA:
                    results.setdefault((setting, label), []).append(wrk(base, label, environment))
            print(f"  round {number + 1} of {rounds} done", flush=True)
    finally:
        proxy_sends_to(set(INSTANCES))
        stop(DIRECT)

    workers = os.environ.get("WEB_CONCURRENCY", "?")
    threads, connections = (
        os.environ.get("BENCH_THREADS", "2"),
        os.environ.get("BENCH_CONNECTIONS", "8"),
    )
    print(
        f"\nwrk -t{threads} -c{connections}"
        f" -d{os.environ.get('BENCH_DURATION', '10')}s, {rounds} rounds; {workers} gunicorn "
        f"workers per instance; {os.cpu_count()} cores shared by all; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n"
    )  # fmt: skip
    print("| setting | requests | req/s (median) | req/s (range) | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for label in LUA:
        for setting in SETTINGS:
            runs = results[(setting, label)]
            rps = [run["rps"] for run in runs]
            print(
                f"| {setting} | {label} | {statistics.median(rps):,.0f} | "
                f"{min(rps):,.0f} to {max(rps):,.0f} | "
                f"{statistics.median(run['p50'] for run in runs):.1f} | "
                f"{statistics.median(run['p99'] for run in runs):.1f} | "
                f"{sum(run['errors'] for run in runs)} |"
            )
    return 1 if any(run["errors"] for runs in results.values() for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
