"""Fixtures for the hardening tests: one record of every kind a client has, the people around
them, a way to run requests at the same moment from real threads, and what the audit-trail
tests share (the caller they act as, and looking up the events a request wrote), and the
idempotency tests' key and bodies."""

import threading
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from assessments.models import Assessment, RiskFlag
from sessions.homework.models import Homework, HomeworkTemplate
from tests.factories import AssessmentFactory, HomeworkFactory, HomeworkTemplateFactory

API = "/api/v1/"
# PHQ-9 with item 9 ("thoughts that you would be better off dead") above 0: raises a risk flag.
PHQ9_WITH_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 1]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "a race between concurrent writers: SQLite's shared in-memory test database refuses a "
        "second concurrent writer at once ('database table is locked', answered 503) instead of "
        "waiting for a row lock, so only the PostgreSQL run can show who wins"
    ),
)


@pytest.fixture
def homework_record(client_record, clinician) -> Homework:
    """Assigned homework of `client_record`, by `clinician`, today."""
    return HomeworkFactory(
        client=client_record,
        assigned_by=clinician,
        title="Evening thought record",
        instructions="Write down one thought a day.",
        assigned_on=timezone.localdate(),
    )


@pytest.fixture
def assessment(client_record, clinician) -> Assessment:
    """A PHQ-9 of `client_record` whose item 9 raised a risk flag."""
    return AssessmentFactory(
        client=client_record,
        recorded_by=clinician,
        responses=PHQ9_WITH_RISK,
        administered_on=date(2025, 6, 2),
    )


@pytest.fixture
def risk_flag(assessment) -> RiskFlag:
    return RiskFlag.objects.get(assessment=assessment)


@pytest.fixture
def template(clinician) -> HomeworkTemplate:
    """A homework template of the practice, authored by `clinician`."""
    return HomeworkTemplateFactory(author=clinician, title="One small step")


def as_caller(user) -> APIClient:
    """A new API client signed in as `user` (one per thread, where threads are involved)."""
    api = APIClient()
    api.force_authenticate(user)
    return api


def run_together(*calls):
    """Run each call in its own thread, released at the same moment by a barrier; return their
    results in order. Every thread closes its own database connection when done."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # reported in the test's thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    if errors:
        raise errors[0]
    return results


# --- the audit trail -----------------------------------------------------------------------------

EVENTS = "/api/v1/audit-events/"
ADDRESS = "198.51.100.23"
AGENT = "RootwiseTests/1.0 (audit)"
REQUEST_ID = "audit-test-0001"
# How a browser behind the tests' front end would call: its address, agent and request id.
CALLER = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_REQUEST_ID": REQUEST_ID}


@pytest.fixture
def records(client_record, session_record, homework_record, assessment, risk_flag):
    """One record of every kind, all of `client_record`, by `clinician`."""
    return {
        "client": client_record,
        "session": session_record,
        "homework": homework_record,
        "assessment": assessment,
        "risk_flag": risk_flag,
    }


def new_events(before: set) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("at", "id"))


def event_ids() -> set:
    return set(AuditEvent.objects.values_list("pk", flat=True))


def only_new_event(before: set) -> AuditEvent:
    events = new_events(before)
    assert len(events) == 1, [(e.action, e.path, e.status_code) for e in events]
    return events[0]


# --- Idempotency-Key -----------------------------------------------------------------------------

KEY = "4f1c2a9e-7b7d-4d3e-9a51-0c1f6b2d8e77"


def post(api, url, body, key=KEY, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return api.post(url, body, format="json", **headers)


def _client_body(existing_records):
    return {"given_name": "Ada", "family_name": "Byron"}


def _session_body(existing_records):
    return {
        "client": str(existing_records.client_record.pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
    }


@pytest.fixture
def existing_records(client_record, signed_session):
    return SimpleNamespace(client_record=client_record, signed_session=signed_session)
