"""Export benchmark: a client with 200 administrations, each report format timed.

    python -m tests.benchmarks.exports            # SQLite
    DATABASE_URL=postgres://… python -m tests.benchmarks.exports

Runs in a throwaway test database; prints figures, asserts nothing (see docs/performance.md).
"""

import os
import statistics
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

ADMINISTRATIONS = 200
RUNS = 5


def build_client():
    from assessments.instruments import INSTRUMENTS
    from assessments.services import assessment_record
    from tests.factories import ClientFactory, SessionFactory

    client = ClientFactory(roots=[("perfectionism", 4), ("past_failures", 3)])
    clinician = client.primary_clinician
    for _ in range(52):
        SessionFactory(client=client, roots_addressed=["perfectionism"])
    codes = list(INSTRUMENTS)
    start = date.today() - timedelta(days=ADMINISTRATIONS * 2)
    for index in range(ADMINISTRATIONS):
        code = codes[index % len(codes)]
        instrument = INSTRUMENTS[code]
        answers = [
            instrument.option_values[(index + item) % 3] for item in range(len(instrument.items))
        ]
        assessment_record(
            by=clinician,
            client=client,
            instrument=code,
            administered_on=start + timedelta(days=index * 2),
            responses=answers,
        )
    return client


def time_format(api: APIClient, url: str, export_format: str) -> tuple[list[float], int]:
    timings, size = [], 0
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        response = api.get(url, {"format": export_format})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(body)
    return timings[1:], size  # the first run warms imports and caches


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        client = build_client()
        api = APIClient()
        api.force_authenticate(client.primary_clinician)
        url = f"/api/v1/clients/{client.pk}/report/"
        print(
            f"Export of a client with {ADMINISTRATIONS} administrations, 52 sessions "
            f"({connection.vendor}); median and max of {RUNS} runs after one warm-up:"
        )
        for export_format in ("csv", "json", "fhir", "pdf"):
            timings, size = time_format(api, url, export_format)
            print(
                f"  {export_format:<5} median {statistics.median(timings) * 1000:7.1f} ms"
                f"   max {max(timings) * 1000:7.1f} ms   {size / 1024:8.1f} KiB"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
