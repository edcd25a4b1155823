"""HTTP load benchmark: Rootwise under gunicorn on PostgreSQL, driven by wrk on loopback, against
a raw bound (psycopg + orjson, tests/benchmarks/raw_bound.py) and a stock DRF baseline
(tests/benchmarks/stock_drf.py) serving the same client list under the same gunicorn settings.

    make bench                                   # 1,000 clients, 25,000 sessions
    BENCH_SCALE=full make bench                  # 20,000 clients, 500,000 sessions
    python -m tests.benchmarks.api_load          # the same, without the export benchmark

Environment: BENCH_SCALE (small | full), BENCH_DATABASE_URL (a PostgreSQL server; the database
rootwise_bench or rootwise_bench_full is created on it and seeded once with
`manage.py seed_scale`), BENCH_DURATION (seconds per endpoint, default 10), BENCH_THREADS (2),
BENCH_CONNECTIONS (8), WEB_CONCURRENCY (gunicorn workers). Needs `wrk` on the PATH.

The three servers run one after another, never at once, on the same cores as wrk and
PostgreSQL. Prints figures and asserts nothing beyond every response being a success
(see docs/performance.md). Results are also written to $TMPDIR/rootwise-bench-<scale>.json,
and when both scales have been run the latencies are compared.
"""

# A harness that starts gunicorn, wrk and manage.py with arguments it builds itself.
# ruff: noqa: S603, S607

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import jwt
import psycopg

from tests.benchmarks.cpu_meter import CpuMeter

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LUA = str(Path(__file__).with_name("wrk.lua"))


def free_port() -> int:
    """A loopback port nobody listens on (others may run servers on this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or free_port())
BASE = f"http://127.0.0.1:{PORT}"
STOCK_SETTINGS = "tests.benchmarks.stock_drf_settings"

SCALES = {
    # Same caseload (200 primary clients per clinician, 250 visible with care teams) at both
    # sizes, so the comparison isolates the size of the tables.
    "small": {"clinicians": 5, "clients": 1_000, "sessions": 25, "assessments": 12.5},
    "full": {"clinicians": 100, "clients": 20_000, "sessions": 25, "assessments": 12.5},
}
PRACTICE = "Bench practice"
DOMAIN = "bench-practice.scale.rootwise.test"

# Fixed, benchmark-only secrets: the seeded notes are encrypted with these keys.
BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789abcdef",
    "JWT_SIGNING_KEY": "bench-only-jwt-signing-key-9876543210fedcba9876543210",
    "FIELD_ENCRYPTION_KEYS": "0e9dtdOPYjWcIrpUPjMsL3Ntz2wKbj-xnaTb9VOhHeU=",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS is the proxy's job
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
}


def log(message: str) -> None:
    print(message, flush=True)


def database_url(scale: str) -> str:
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = "rootwise_bench" if scale == "small" else "rootwise_bench_full"
    return server.rsplit("/", 1)[0] + "/" + name


def ensure_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed(env: dict, scale: str) -> None:
    size = SCALES[scale]
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(
        env,
        "seed_scale",
        "--even-without-debug",
        f"--practice={PRACTICE}",
        f"--clinicians={size['clinicians']}",
        f"--clients={size['clients']}",
        f"--sessions-per-client={size['sessions']}",
        f"--assessments-per-client={size['assessments']}",
    )


def fixtures(url: str) -> dict:
    """The clinician who is measured, a client to read and another to write to (so that the
    writes do not change what the reads measure)."""
    with psycopg.connect(url) as db:
        user = db.execute(
            "SELECT id FROM accounts_user WHERE email = %s", (f"clinician001@{DOMAIN}",)
        ).fetchone()[0]
        clients = db.execute(
            "SELECT id FROM clients_client WHERE primary_clinician_id = %s "
            "ORDER BY external_id LIMIT 2",
            (user,),
        ).fetchall()
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "clients_client",
                "therapy_sessions_session",
                "assessments_assessment",
                "audit_auditevent",
            )
        }
    return {"user": str(user), "read": str(clients[0][0]), "write": str(clients[1][0]), **counts}


def forget_writes(url: str, client: str) -> None:
    """Delete the sessions and assessments that benchmark runs created for the write client.

    Every record created through the API is named in the audit trail, and the seed writes none
    there, so this removes exactly the benchmark's own writes. Without it the write client grows
    by thousands of sessions a run, and every list that shows it gets slower from run to run.
    """
    created = (
        "SELECT object_id::uuid FROM audit_auditevent "
        "WHERE action = 'create' AND object_type = %s AND client_id = %s"
    )
    with psycopg.connect(url) as db:
        for table, column, kind in (
            ("therapy_sessions_sessionroot", "session_id", "session"),
            ("therapy_sessions_session", "id", "session"),
            ("assessments_riskflag", "assessment_id", "assessment"),
            ("assessments_assessment", "id", "assessment"),
        ):
            db.execute(f"DELETE FROM {table} WHERE {column} IN ({created})", (kind, client))  # noqa: S608


def token(user_id: str) -> str:
    """An access token with exactly the claims simplejwt issues, signed with its key."""
    now = datetime.now(UTC)
    claims = {
        "token_type": "access",
        "exp": now + timedelta(minutes=10),
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": user_id,
    }
    return jwt.encode(claims, BENCH_ENV["JWT_SIGNING_KEY"], algorithm="HS256")


class Server:
    """gunicorn with the committed configuration, serving `app` until stopped. With
    `probe=False` it is not sent a request before it is handed over (so that its workers'
    first requests are the caller's), only connected to."""

    def __init__(
        self, env: dict, app: str | None = None, settings: str | None = None, probe: bool = True
    ):
        env = dict(env)
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        command = [GUNICORN, "-c", "api/gunicorn.conf.py", *([app] if app else [])]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if probe:
                    urlopen(BASE + "/health/live", timeout=1)  # noqa: S310
                else:
                    socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                return
            except HTTPError:
                return  # it answers (the raw app answers 404 here)
            except OSError:
                time.sleep(0.2)
        if self.process.poll() is None:
            self.stop()
        raise RuntimeError("gunicorn did not start (is the port taken?)")

    def classify(self, pid: int, group: int, command: str) -> str | None:
        """For CpuMeter: the arbiter and its workers (a session, and so a group, of their own)."""
        return "server" if group == self.process.pid else None

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def check(path: str, bearer: str, method: str = "GET", body: str | None = None) -> tuple:
    request = Request(  # noqa: S310
        BASE + path,
        method=method,
        data=body.encode() if body else None,
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
    )
    with urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.status, len(response.read())


def wrk(
    server: "Server", path: str, bearer: str, method: str = "GET", body: str | None = None
) -> dict:
    """wrk's figures for one request, with the CPU the server's processes spent per request."""
    status, size = check(path, bearer, method, body)
    if status >= 300:
        raise RuntimeError(f"{method} {path} answered {status}")
    threads = os.environ.get("BENCH_THREADS", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    env = {**os.environ, "BENCH_TOKEN": bearer, "BENCH_METHOD": method, "BENCH_BODY": body or ""}
    results = {}
    for duration in ("2", os.environ.get("BENCH_DURATION", "10")):  # warm-up, then measure
        with CpuMeter(server.classify) as meter:
            output = subprocess.run(
                [
                    "wrk",
                    f"-t{threads}",
                    f"-c{connections}",
                    f"-d{duration}s",
                    "--timeout=30s",  # wrk's default of 2 s would drop PDF reports under load
                    "-s",
                    LUA,
                    BASE + path,
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        line = re.search(r"BENCH-RESULT (.*)", output).group(1)
        results = {key: int(value) for key, value in (f.split("=") for f in line.split())}
    seconds = results["duration_us"] / 1e6
    return {
        "rps": results["requests"] / seconds,
        "p50": results["p50"] / 1000,
        "p95": results["p95"] / 1000,
        "p99": results["p99"] / 1000,
        "cpu_ms": meter.seconds.get("server", 0.0) * 1000 / results["requests"],
        "requests": results["requests"],
        "errors": results["status_errors"] + results["socket_errors"],
        "bytes": size,
    }


def query_counts(env: dict, bearer: str, paths: dict, settings: str | None = None) -> dict:
    env = {**env, **({"DJANGO_SETTINGS_MODULE": settings} if settings else {})}
    output = subprocess.run(
        [PYTHON, "-m", "tests.benchmarks.query_counts", bearer, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# Keyset pagination: a page far into the caseload's sessions should cost what the first does.
SESSIONS_PAGE = "/api/v1/sessions/?page_size=20"
DEEP = 200
DEEP_LABEL = f"sessions, page {DEEP + 1} (20)"


def endpoints(ids: dict) -> list[tuple[str, str, str, str | None]]:
    read, write = ids["read"], ids["write"]
    session = {
        "client": write,
        "starts_at": "2026-01-05T10:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["perfectionism"],
        "note": {"format": "narrative", "text": "Worked on a realistic goal for the week."},
    }
    assessment = {
        "client": write,
        "instrument": "gad7",
        "administered_on": date.today().isoformat(),
        "responses": [1, 2, 1, 0, 1, 2, 1],
        # Every request records the same day's GAD-7 again, which needs a reason.
        "same_day_reason": "Repeated in the benchmark.",
    }
    return [
        ("client list (20)", "GET", "/api/v1/clients/?page_size=20", None),
        ("client list (100)", "GET", "/api/v1/clients/?page_size=100", None),
        ("client", "GET", f"/api/v1/clients/{read}/", None),
        ("client's sessions (50)", "GET", f"/api/v1/sessions/?client={read}", None),
        ("sessions, page 1 (20)", "GET", SESSIONS_PAGE, None),
        (DEEP_LABEL, "GET", SESSIONS_PAGE, None),  # main follows `next` to the deep page
        ("progress", "GET", f"/api/v1/clients/{read}/progress/", None),
        ("create session", "POST", "/api/v1/sessions/", json.dumps(session)),
        ("create assessment", "POST", "/api/v1/assessments/", json.dumps(assessment)),
        ("report CSV", "GET", f"/api/v1/clients/{read}/report/?format=csv", None),
        ("report PDF", "GET", f"/api/v1/clients/{read}/report/?format=pdf", None),
    ]


def deep_page(path: str, bearer: str, pages: int) -> str:
    """The path of page `pages + 1`, reached by following `next` from `path`."""
    for _ in range(pages):
        request = Request(BASE + path, headers={"Authorization": f"Bearer {bearer}"})  # noqa: S310
        with urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
            following = json.loads(response.read())["next"]
        if following is None:
            raise RuntimeError(f"{path} has fewer than {pages + 1} pages")
        path = following.removeprefix(BASE)
    return path


def first_requests(env: dict, path: str, bearer: str, count: int = 10) -> list[dict]:
    """The first `count` requests a fresh worker serves, one at a time: each one's wall time
    and the CPU the server spent on it (a worker that builds what it needs on its first request
    shows it here)."""
    server = Server({**env, "WEB_CONCURRENCY": "1"}, probe=False)
    served = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            with CpuMeter(server.classify, interval=60) as meter:
                status, _ = check(path, bearer)
            if status >= 300:
                raise RuntimeError(f"GET {path} answered {status}")
            served.append(
                {
                    "wall_ms": (time.perf_counter() - started) * 1000,
                    "cpu_ms": meter.seconds.get("server", 0.0) * 1000,
                }
            )
    finally:
        server.stop()
    return served


def row(label: str, result: dict, queries="") -> str:
    return (
        f"| {label} | {result['rps']:,.0f} | {result['p50']:.1f} | {result['p95']:.1f} | "
        f"{result['p99']:.1f} | {result['cpu_ms']:.2f} | {result['errors']} | "
        f"{result['bytes']:,} | {queries} |"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk).")
    scale = os.environ.get("BENCH_SCALE", "small")
    if scale not in SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}.")
    url = database_url(scale)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ensure_database(url)
    started = time.perf_counter()
    seed(env, scale)
    log(f"Database ready in {time.perf_counter() - started:.1f} s")
    ids = fixtures(url)
    forget_writes(url, ids["write"])
    bearer = token(ids["user"])
    workers = env.get("WEB_CONCURRENCY") or f"{os.cpu_count() * 2 + 1} (2 x cores + 1)"
    log(
        f"\nScale {scale!r}: {ids['clients_client']:,} clients, "
        f"{ids['therapy_sessions_session']:,} sessions, {ids['assessments_assessment']:,} "
        f"assessments; gunicorn sync workers: {workers}; wrk "
        f"-t{os.environ.get('BENCH_THREADS', '2')} -c{os.environ.get('BENCH_CONNECTIONS', '8')} "
        f"-d{os.environ.get('BENCH_DURATION', '10')}s; {os.cpu_count()} cores shared by all"
    )

    plan = endpoints(ids)
    results: dict[str, dict] = {}
    server = Server(env)
    try:
        deep = deep_page(SESSIONS_PAGE, bearer, DEEP)
        plan = [
            (label, method, deep if label == DEEP_LABEL else path, body)
            for label, method, path, body in plan
        ]
        for label, method, path, body in plan:
            results[label] = wrk(server, path, token(ids["user"]), method, body)
            log(f"  measured {label}")
    finally:
        server.stop()
    baselines = {}
    for name, app, settings in (
        ("raw", "tests.benchmarks.raw_bound:application", None),
        ("stock DRF", None, STOCK_SETTINGS),
    ):
        server = Server(env, app, settings)
        try:
            for size in (20, 100):
                baselines[f"{name} ({size})"] = wrk(
                    server, f"/api/v1/clients/?page_size={size}", bearer
                )
                log(f"  measured {name} client list ({size})")
        finally:
            server.stop()
    first = first_requests(env, "/api/v1/clients/?page_size=20", bearer)
    log("  measured a fresh worker's first requests")
    forget_writes(url, ids["write"])
    gets = {label: path for label, method, path, _ in plan if method == "GET"}
    counts = query_counts(env, bearer, gets)
    lists = {f"stock DRF ({size})": f"/api/v1/clients/?page_size={size}" for size in (20, 100)}
    stock_counts = query_counts(env, bearer, lists, STOCK_SETTINGS)

    log(
        "\n| endpoint | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | errors | bytes "
        "| queries |"
    )
    log("|---|---|---|---|---|---|---|---|---|")
    for label, result in results.items():
        log(row(label, result, counts.get(label, {}).get("queries", "")))
    for label, result in baselines.items():
        queries = 3 if label.startswith("raw") else stock_counts[label]["queries"]
        log(row(label, result, queries))

    log("\nThe client list against the baselines (same page size; goals for 20 in brackets):")
    for size in (20, 100):
        label, result = f"client list ({size})", results[f"client list ({size})"]
        raw, stock = baselines[f"raw ({size})"], baselines[f"stock DRF ({size})"]
        log(
            f"  {label:<18} server CPU per request {result['cpu_ms'] / stock['cpu_ms']:5.2f} x "
            f"stock DRF's (<= 0.5)  {result['cpu_ms'] / raw['cpu_ms']:5.2f} x the raw bound's "
            f"(<= 3)   req/s {result['rps'] / raw['rps']:5.2f} x the raw bound's (>= 0.35)  "
            f"{result['rps'] / stock['rps']:5.2f} x stock DRF's"
        )
    sessions, clients = results["sessions, page 1 (20)"], results["client list (20)"]
    ratio = sessions["cpu_ms"] / clients["cpu_ms"]
    log(f"  sessions, page 1 (20)  server CPU per request {ratio:5.2f} x the client list's (<=1.2)")
    log(
        "\nA fresh worker's first requests (client list (20), one at a time; goal: the first "
        "costs no more than the tenth):"
    )
    for number, served in enumerate(first, 1):
        log(f"  {number:>2}: {served['wall_ms']:7.1f} ms, server CPU {served['cpu_ms']:6.1f} ms")
    log(
        f"  first / tenth: wall {first[0]['wall_ms'] / first[-1]['wall_ms']:.2f} x, "
        f"server CPU {first[0]['cpu_ms'] / max(first[-1]['cpu_ms'], 1e-9):.2f} x"
    )
    log("\nQueries per request (in-process, the same token):")
    for label, count in {**counts, **stock_counts}.items():
        log(f"  {label:<24} {count['queries']:>2}  " + "; ".join(count["sql"]))

    saved = Path(tempfile.gettempdir()) / f"rootwise-bench-{scale}.json"
    saved.write_text(
        json.dumps({"ids": ids, "results": results, "baselines": baselines, "first": first})
    )
    other = Path(tempfile.gettempdir()) / "rootwise-bench-small.json"
    if scale == "full" and other.exists():
        small = json.loads(other.read_text())
        log("\nLatency at 20,000 clients relative to 1,000 (p50, p95; target within 20 %):")
        for label, result in results.items():
            before = small["results"].get(label)
            if before:
                log(
                    f"  {label:<24} p50 {result['p50'] / before['p50']:5.2f} x   "
                    f"p95 {result['p95'] / before['p95']:5.2f} x"
                )


if __name__ == "__main__":
    main()
