"""Open-loop soak: Rootwise under gunicorn on PostgreSQL at a fixed arrival rate with a share of
writes, the way a practice's front ends load it, for minutes rather than seconds.

    python -m tests.benchmarks.open_loop         # 100 requests/s, 20 % writes, 5 minutes
    BENCH_RATE=50 BENCH_SOAK_SECONDS=60 python -m tests.benchmarks.open_loop

wrk keeps a fixed number of connections busy (closed loop): when the server slows down, wrk
slows down with it and the wait never shows. Here requests are sent on a fixed schedule whatever
the answers, and each latency counts from the moment its request was due, so time spent queued
behind a slow answer is part of the figure.

Same database, seeding, server and user as tests.benchmarks.api_load (BENCH_SCALE,
BENCH_DATABASE_URL, WEB_CONCURRENCY). The mix, per ten requests: the client list three times,
a client twice, a client's sessions twice, progress once, a new session and a new assessment.
Prints figures; asserts nothing but reports every error.
"""

import http.client
import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.benchmarks.api_load import (
    BENCH_ENV,
    PORT,
    SCALES,
    Server,
    database_url,
    endpoints,
    ensure_database,
    fixtures,
    forget_writes,
    log,
    seed,
    token,
)

MIX = {
    "client list (20)": 3,
    "client": 2,
    "client's sessions (50)": 2,
    "progress": 1,
    "create session": 1,
    "create assessment": 1,
}

_local = threading.local()


def _send(method: str, path: str, body: str | None, bearer: str) -> int:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        connection.close()
        _local.connection = None
        return 0


def soak(plan: list[tuple[str, str, str | None]], bearer: str, rate: float, seconds: float):
    """Send plan[i % len(plan)] at start + i / rate; return (label, status, latency) rows."""
    rows: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def fire(label, method, path, body, due):
        status = _send(method, path, body, bearer)
        with lock:
            rows.append((label, status, time.perf_counter() - due))

    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter()
        for index in range(total):
            due = start + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            label, method, path, body = plan[index % len(plan)]
            pool.submit(fire, label, method, path, body, due)
    return rows


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


def report(title: str, rows: list[tuple[str, int, float]]) -> None:
    latencies = [latency * 1000 for _, _, latency in rows]
    errors = sum(1 for _, status, _ in rows if not 200 <= status < 300)
    log(
        f"| {title} | {len(rows):,} | {percentile(latencies, 0.5):.1f} | "
        f"{percentile(latencies, 0.95):.1f} | {percentile(latencies, 0.99):.1f} | "
        f"{max(latencies):.1f} | {errors} |"
    )


def main() -> None:
    scale = os.environ.get("BENCH_SCALE", "small")
    if scale not in SCALES:
        raise SystemExit(f"BENCH_SCALE must be one of {', '.join(SCALES)}.")
    rate = float(os.environ.get("BENCH_RATE", "100"))
    seconds = float(os.environ.get("BENCH_SOAK_SECONDS", "300"))
    url = database_url(scale)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ensure_database(url)
    seed(env, scale)
    ids = fixtures(url)
    forget_writes(url, ids["write"])
    by_label = {label: (method, path, body) for label, method, path, body in endpoints(ids)}
    plan = [(label, *by_label[label]) for label, weight in MIX.items() for _ in range(weight)]
    random.Random(2026).shuffle(plan)  # noqa: S311 (a fixed, repeatable order of requests)
    bearer = token(ids["user"])  # valid for 10 minutes: longer soaks need a fresh one

    log(
        f"\nOpen loop, scale {scale!r} ({ids['clients_client']:,} clients): {rate:g} requests/s "
        f"for {seconds:g} s, 20 % writes; {os.cpu_count()} cores shared with the server"
    )
    server = Server(env)
    try:
        soak(plan, bearer, rate, min(seconds, 10))  # warm-up, not counted
        started = time.perf_counter()
        rows = soak(plan, bearer, rate, seconds)
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
        forget_writes(url, ids["write"])

    log(f"\nSent {len(rows):,} requests in {elapsed:.0f} s ({len(rows) / elapsed:.1f}/s)")
    log("\n| requests | n | p50 ms | p95 ms | p99 ms | max ms | errors |")
    log("|---|---|---|---|---|---|---|")
    report("all", rows)
    writes = {"create session", "create assessment"}
    report("reads", [row for row in rows if row[0] not in writes])
    report("writes", [row for row in rows if row[0] in writes])
    for label in MIX:
        report(label, [row for row in rows if row[0] == label])


if __name__ == "__main__":
    main()
