"""Fixtures for the work queue tests: a frozen moment, the people, and readers of the list
and the summary."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.factories import ClientFactory, SessionFactory

QUEUE = "/api/v1/work-queue/"
SUMMARY = "/api/v1/work-queue/summary/"

# Wednesday 11 March 2026, 15:00 UTC: the same date in UTC and in London.
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
# 23:00 on Tuesday 10 March 2026 in New York (EDT, UTC-4 since the 8th), Wednesday in UTC.
NEW_YORK_EVENING = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    """Time stands at NOW for the test (and the records it makes)."""
    with freeze_time(NOW):
        yield NOW


@pytest.fixture
def new_york(practice):
    """The practice keeps New York's calendar."""
    practice.time_zone = "America/New_York"
    practice.save()
    return practice


def queue(api, reason: str | None = None) -> list[dict]:
    """The items of the caller's queue, those of `reason` only if given."""
    response = api.get(QUEUE)
    assert response.status_code == 200, response.content
    items = response.json()["results"]
    return [item for item in items if reason is None or item["reason"] == reason]


def records(api, reason: str) -> list[str]:
    """The ids of the records `reason` lists, in order."""
    return [item["record"]["id"] for item in queue(api, reason)]


def summary(api) -> dict:
    response = api.get(SUMMARY)
    assert response.status_code == 200, response.content
    return response.json()


def iso(moment: datetime) -> str:
    """A moment as the API writes it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ended(session_clinician_client, ago: timedelta, minutes: int = 50, **fields):
    """A completed session of `client` that ended `ago` before NOW."""
    return SessionFactory(
        client=session_clinician_client,
        starts_at=NOW - ago - timedelta(minutes=minutes),
        duration_minutes=minutes,
        **fields,
    )


@pytest.fixture
def mine(clinician):
    """Another client of `clinician`."""
    return ClientFactory(primary_clinician=clinician, given_name="Tess", family_name="Ahn")
