"""CPU per request in one process: Rootwise's whole stack (the WSGI handler and its request
signals, middleware, authentication, the view, the audit write) called as gunicorn calls it, on
the database of tests.benchmarks.api_load, as clinician001. For weighing one change at a time:
one process gives steadier figures than gunicorn under wrk on a shared machine, and leaves
PostgreSQL's own time out. Run the two versions alternately, a few times each.

    python -m tests.benchmarks.request_cpu                        # the client list (20)
    python -m tests.benchmarks.request_cpu '/api/v1/sessions/?page_size=20' …

For each path: 30 requests to warm up, then BENCH_ROUNDS (7) rounds of BENCH_REQUESTS (100);
prints the median and the range over the rounds of this process's CPU time per request, the
wall time per request (which includes waiting on PostgreSQL), and the Python function calls per
request (counted by cProfile over 10 requests): a figure that other work on the machine does not
move, and a fair proxy for the CPU a change saves.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

from tests.benchmarks.api_load import BENCH_ENV, database_url, fixtures, token


def main() -> None:
    paths = sys.argv[1:] or ["/api/v1/clients/?page_size=20"]
    url = database_url("small")
    os.environ.update({**BENCH_ENV, "DATABASE_URL": url})
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    ids = fixtures(url)

    from api.wsgi import application

    bearer = token(ids["user"])

    def get(path: str) -> str:
        """The status line of a GET of `path`, the body read and closed as gunicorn does."""
        parts = urlsplit(path)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {bearer}",
            "wsgi.input": io.BytesIO(),
        }
        setup_testing_defaults(environ)
        answered = []
        body = application(environ, lambda status, headers: answered.append(status))
        try:
            b"".join(body)
        finally:
            body.close()
        return answered[0]

    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    count = int(os.environ.get("BENCH_REQUESTS", "100"))
    for path in paths:
        for _ in range(30):
            status = get(path)
            if not status.startswith("200"):
                sys.exit(f"GET {path} answered {status}")
        cpu, wall = [], []
        for _ in range(rounds):
            started_cpu, started = time.process_time(), time.perf_counter()
            for _ in range(count):
                get(path)
            cpu.append((time.process_time() - started_cpu) * 1000 / count)
            wall.append((time.perf_counter() - started) * 1000 / count)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            get(path)
        profile.disable()
        calls = pstats.Stats(profile).total_calls / 10
        print(
            f"{path}: CPU {statistics.median(cpu):.2f} ms per request "
            f"({min(cpu):.2f}-{max(cpu):.2f}), wall {statistics.median(wall):.2f} ms, "
            f"{calls:,.0f} Python calls",
            flush=True,
        )


if __name__ == "__main__":
    main()
