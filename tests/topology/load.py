"""Load through HAProxy to three instances beside one instance alone: same data, same machine,
same wrk (`tests/topology/run load`; the figures in docs/performance.md).

For the client list (20) and a clinician's mix (one write in five, tests/topology/mix.lua),
as clinician001 of the seeded practice (1,000 clients; 250 in the caseload), wrk -t2 -c8 for
BENCH_DURATION seconds (10) after a 2 s warm-up, against, in turn:

- one instance: gunicorn alone (app1, WEB_CONCURRENCY workers), wrk straight at it;
- the proxy, one instance: HAProxy in front of app1 alone (what the proxy costs);
- the proxy, three instances: HAProxy in front of app1-app3.

Every instance reaches PostgreSQL through PgBouncer; the Celery workers and scheduler run
throughout. Prints a Markdown table; asserts nothing beyond the answers being successes.
"""

# A harness that runs wrk with arguments it builds itself.
# ruff: noqa: S603, S607

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.topology.topology import (
    INSTANCES,
    PROXY,
    SCALE_PASSWORD,
    owner_database,
    proxy_spreads_over,
    scale_user,
    serves,
    sign_in,
    start,
    stop,
    wait_until,
)

HERE = Path(__file__).resolve().parent
LUA = {
    "client list (20)": str(HERE.parent / "benchmarks" / "wrk.lua"),
    "mix, 1 write in 5": str(HERE / "mix.lua"),
}
PATHS = {"client list (20)": "/api/v1/clients/?page_size=20", "mix, 1 write in 5": "/"}


def wrk(base: str, label: str, environment: dict) -> dict:
    threads = os.environ.get("BENCH_THREADS", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    for duration in ("2", os.environ.get("BENCH_DURATION", "10")):  # warm-up, then measure
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout=30s",
                "-s",
                LUA[label],
                base + PATHS[label],
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    line = re.search(r"BENCH-RESULT (.*)", output).group(1)
    result = {key: int(value) for key, value in (field.split("=") for field in line.split())}
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50": result["p50"] / 1000,
        "p99": result["p99"] / 1000,
        "errors": result["status_errors"] + result["socket_errors"],
        "requests": result["requests"],
    }


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
    others = [name for name in INSTANCES if name != "app1"]
    for name in others:
        stop(name)
    wait_until(lambda: not proxy_spreads_over({"app1", *others}), "the proxy noticing")
    runs = []
    for setting, base in (("one instance", INSTANCES["app1"]), ("proxy, one instance", PROXY)):
        for label in LUA:
            runs.append((setting, label, wrk(base, label, environment)))
            print(f"  measured {setting}: {label}", flush=True)
    for name in others:
        start(name)
    for name in others:
        wait_until(lambda name=name: serves(INSTANCES[name]), f"{name} starting", timeout=60)
    wait_until(lambda: proxy_spreads_over(set(INSTANCES)), "the proxy sending to all three")
    for label in LUA:
        runs.append(("proxy, three instances", label, wrk(PROXY, label, environment)))
        print(f"  measured proxy, three instances: {label}", flush=True)

    workers = os.environ.get("WEB_CONCURRENCY", "?")
    threads = os.environ.get("BENCH_THREADS", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    duration = os.environ.get("BENCH_DURATION", "10")
    print(
        f"\nwrk -t{threads} -c{connections} -d{duration}s; {workers} gunicorn workers per "
        f"instance; {os.cpu_count()} cores shared by all\n"
    )
    print("| setting | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for setting, label, result in runs:
        print(
            f"| {setting} | {label} | {result['rps']:,.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {result['errors']} |"
        )
    return 1 if any(result["errors"] for *_, result in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
