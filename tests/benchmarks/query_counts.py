"""Count the SQL queries each benchmarked GET makes, in-process, against the benchmark database.

Run by tests.benchmarks.api_load with the same environment as the server it measures:

    python -m tests.benchmarks.query_counts TOKEN '{"label": "/api/v1/…", …}'

Prints one JSON object: label -> {"queries": n, "status": code, "sql": [first words, …]}.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    token, paths = sys.argv[1], json.loads(sys.argv[2])
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    counts = {}
    for label, path in paths.items():
        http.get(path)  # warm: the first request of a process opens the connection
        with CaptureQueriesContext(connection) as captured:
            response = http.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        sql = [" ".join(query["sql"].split()[:6])[:90] for query in captured.captured_queries]
        counts[label] = {"queries": len(sql), "status": response.status_code, "sql": sql}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
