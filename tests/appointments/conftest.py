"""Fixtures for the appointment tests: the endpoints, bodies to book a series or a session,
the practice's time zone, and scheduled sessions at chosen moments."""

from datetime import UTC, datetime

import pytest

from api.auth.models import Practice
from sessions.models import Session
from tests.factories import SessionFactory

SERIES = "/api/v1/appointment-series/"
APPOINTMENTS = "/api/v1/appointments/"
SESSIONS = "/api/v1/sessions/"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def series_body(client, starts_at: str = "2099-03-02T10:00:00Z", **fields) -> dict:
    """A weekly series of four 50-minute video sessions for `client` (or a client's id),
    unless `fields` say otherwise."""
    body = {
        "client": str(getattr(client, "pk", client)),
        "starts_at": starts_at,
        "interval_weeks": 1,
        "count": 4,
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        **fields,
    }
    return {key: value for key, value in body.items() if value is not None}


def session_body(client, starts_at: str, **fields) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": starts_at,
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
        "status": "scheduled",
        **fields,
    }


def session_url(session, action: str = "") -> str:
    pk = session if isinstance(session, str) else session.pk
    return f"{SESSIONS}{pk}/" + (f"{action}/" if action else "")


def stored_sessions() -> list[dict]:
    """Every stored session's bookkeeping, read afresh, soonest first."""
    return list(
        Session.objects.order_by("starts_at", "id").values(
            "id",
            "clinician_id",
            "series_id",
            "starts_at",
            "duration_minutes",
            "status",
            "cancellation_reason",
            "cancelled_at",
            "double_booked",
        )
    )


@pytest.fixture
def in_zone(practice):
    """`in_zone(name)`: the practice's calendar is that IANA time zone from now on."""

    def set_zone(name: str) -> None:
        Practice.objects.filter(pk=practice.pk).update(time_zone=name)
        practice.refresh_from_db()

    return set_zone


@pytest.fixture
def scheduled(client_record):
    """`scheduled(starts_at, **fields)`: a scheduled session of `client_record` by its
    clinician (or `clinician=`), with no note."""

    def create(starts_at: datetime, **fields) -> Session:
        defaults = {
            "client": client_record,
            "starts_at": starts_at,
            "status": "scheduled",
            "note_format": "",
            "note_sections": {},
        }
        return SessionFactory(**{**defaults, **fields})

    return create
