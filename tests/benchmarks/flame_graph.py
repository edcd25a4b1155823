"""A flame graph of Rootwise's gunicorn workers serving one request under wrk's load (py-spy),
on the database and with the server, user and token of tests.benchmarks.api_load.

    pip install py-spy                              # once; needs ptrace (root here)
    python -m tests.benchmarks.flame_graph docs/flame-graphs/client-list-after.svg
    BENCH_PROFILE_PATH='/api/v1/sessions/?page_size=20' \
        python -m tests.benchmarks.flame_graph sessions.svg

Samples every worker (`--subprocesses`) 100 times a second for BENCH_PROFILE_SECONDS (20) while
wrk keeps them busy, after a warm-up of BENCH_PROFILE_WARMUP seconds (3). A worker waiting for
its next request is not sampled; one waiting on PostgreSQL is (psycopg's `Connection.wait`), so
the round trips show. An OUTPUT ending in .txt gets the collapsed stacks instead, one line per
stack with its count of samples.
"""

# A harness that starts gunicorn, wrk and py-spy with arguments it builds itself.
# ruff: noqa: S603, S607

import os
import shutil
import subprocess
import sys
import time

from tests.benchmarks.api_load import (
    BASE,
    BENCH_ENV,
    LUA,
    Server,
    database_url,
    ensure_database,
    fixtures,
    log,
    seed,
    token,
)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.benchmarks.flame_graph OUTPUT.svg")
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=os.path.dirname(sys.executable))
    if spy is None or shutil.which("wrk") is None:
        sys.exit("needs py-spy (pip install py-spy) and wrk (apt-get install -y wrk)")
    output = os.path.abspath(sys.argv[1])
    path = os.environ.get("BENCH_PROFILE_PATH", "/api/v1/clients/?page_size=20")
    seconds = int(os.environ.get("BENCH_PROFILE_SECONDS", "20"))
    warm_up = int(os.environ.get("BENCH_PROFILE_WARMUP", "3"))
    url = database_url("small")
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ensure_database(url)
    seed(env, "small")
    ids = fixtures(url)
    server = Server(env)
    try:
        load = subprocess.Popen(
            ["wrk", "-t2", "-c8", f"-d{warm_up + seconds + 3}s", "-s", LUA, BASE + path],
            env={**os.environ, "BENCH_TOKEN": token(ids["user"]), "BENCH_METHOD": "GET"},
            stdout=subprocess.DEVNULL,
        )
        time.sleep(warm_up)
        subprocess.run(
            [
                spy,
                "record",
                "--pid",
                str(server.process.pid),
                "--subprocesses",
                "--rate",
                "100",
                "--nonblocking",
                "--duration",
                str(seconds),
                "--format",
                "raw" if output.endswith(".txt") else "flamegraph",
                "--output",
                output,
            ],
            check=True,
        )
        load.wait()
    finally:
        server.stop()
    log(f"GET {path}: {output}")


if __name__ == "__main__":
    main()
