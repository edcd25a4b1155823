"""Export benchmark: a client with 200 administrations, each report format timed; then the
first PDF in the process, and the process's memory over 100 PDFs.

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
from django.urls import resolve  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

ADMINISTRATIONS = 200
RUNS = 5
MEMORY_REPORTS, MEMORY_EVERY = 100, 25


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


def timed_export(api: APIClient, url: str, export_format: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = api.get(url, {"format": export_format})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed, len(body)


def time_format(api: APIClient, url: str, export_format: str) -> tuple[list[float], int]:
    runs = [timed_export(api, url, export_format) for _ in range(RUNS + 1)]
    return [elapsed for elapsed, _ in runs[1:]], runs[-1][1]  # the first run warms caches


def resident_mib() -> float:
    """This process's resident memory now (Linux)."""
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib / 1024


def first_pdf(api: APIClient, url: str) -> tuple[float, float]:
    """The first request of the process, a PDF, once the modules are imported (as a fresh
    worker's); and the time those imports took."""
    started = time.perf_counter()
    resolve(url)  # imports the report's view and, with it, the PDF and chart modules
    imports = time.perf_counter() - started
    elapsed, _ = timed_export(api, url, "pdf")
    return elapsed, imports


def pdf_memory(api: APIClient, url: str) -> None:
    figures = [resident_mib()]
    for count in range(1, MEMORY_REPORTS + 1):
        timed_export(api, url, "pdf")
        if count % MEMORY_EVERY == 0:
            figures.append(resident_mib())
    steps = "  ".join(
        f"{count * MEMORY_EVERY}: {mib:.0f}" for count, mib in enumerate(figures) if count
    )
    growth = figures[-1] - figures[1]
    print(
        f"  resident memory over {MEMORY_REPORTS} pdf reports (MiB): before {figures[0]:.0f}  "
        f"{steps}  (after the first {MEMORY_EVERY}: {growth:+.1f})"
    )


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        client = build_client()
        api = APIClient()
        api.force_authenticate(client.primary_clinician)
        url = f"/api/v1/clients/{client.pk}/report/"
        first, imports = first_pdf(api, url)
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
        print(
            f"  pdf, the first request in the process: {first * 1000:.1f} ms "
            f"(after {imports * 1000:.0f} ms of imports)"
        )
        pdf_memory(api, url)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
