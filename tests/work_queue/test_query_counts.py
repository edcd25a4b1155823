"""The work queue reads in a fixed number of queries however large the caseload: one per source
of items (risk flags, today's sessions, unsigned notes, notes to co-sign, homework,
administrations, measure schedules), then the insert of its audit events.

The list writes an event per client it names (at most 600: a hundred items for each of six
reasons), in one statement on PostgreSQL. SQLite takes at most 999 parameters a statement, so
there Django splits more than 62 events over several inserts: the count the test pins is the
reads plus the inserts Django needs for the events written, the same at 10 and 500 clients on
PostgreSQL."""

import math
from datetime import date, timedelta

import pytest
from django.db import connection

from api.audit.models import AuditEvent
from assessments.measures.models import MeasureInvitation, MeasureSchedule
from assessments.models import Assessment, RiskFlag
from clients.models import Client
from sessions.homework.models import Homework
from sessions.models import Session
from tests.work_queue.conftest import NOW, QUEUE, SUMMARY

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
READS = 7  # one per source (the user and their practice come with the token)
NOTE = {"data": "Talked about work.", "assessment": "Engaged.", "plan": "Weekly."}


def clients_of(clinician, count: int) -> list[Client]:
    return Client.objects.bulk_create(
        Client(
            practice_id=clinician.practice_id,
            primary_clinician=clinician,
            given_name=f"Given{index}",
            family_name=f"Family{index}",
            intake_date=date(2025, 1, 1),
        )
        for index in range(count)
    )


def session(client, clinician, **fields) -> Session:
    return Session(
        client=client,
        practice_id=client.practice_id,
        clinician=clinician,
        duration_minutes=50,
        modality="in_person",
        kind="individual",
        note_format="dap",
        note_sections=NOTE,
        **fields,
    )


def caseload(supervisor, clinician, count: int) -> None:
    """`count` clients of the supervisor's own, each with an item of every reason, and `count`
    clients of their supervisee, each with a signed note awaiting co-signature."""
    own = clients_of(supervisor, count)
    theirs = clients_of(clinician, count)
    overdue = NOW - timedelta(days=5)
    Session.objects.bulk_create(
        [
            *(session(c, supervisor, starts_at=overdue, status="completed") for c in own),
            *(session(c, supervisor, starts_at=NOW + timedelta(hours=1)) for c in own),
            *(
                session(
                    c,
                    clinician,
                    starts_at=overdue,
                    status="completed",
                    signed_at=NOW,
                    signed_by=clinician,
                )
                for c in theirs
            ),
        ]
    )
    Homework.objects.bulk_create(
        Homework(
            client=c,
            practice_id=c.practice_id,
            assigned_by=supervisor,
            strategy="self_reflection",
            title="Write it down",
            assigned_on=date(2026, 1, 1),
            due_on=date(2026, 2, 1),
        )
        for c in own
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            client=c,
            practice_id=c.practice_id,
            instrument="phq9",
            administered_on=TODAY - timedelta(days=40),
            recorded_by=supervisor,
            responses=[1] * 9,
            total_score=9,
            severity="mild",
        )
        for c in own
    )
    RiskFlag.objects.bulk_create(
        RiskFlag(
            client_id=a.client_id,
            practice_id=a.practice_id,
            assessment=a,
            flag="phq9_item9",
            description="Thoughts of self-harm",
            raised_on=a.administered_on,
        )
        for a in assessments
    )
    schedules = MeasureSchedule.objects.bulk_create(
        MeasureSchedule(
            client=c,
            practice_id=c.practice_id,
            instruments=["phq9"],
            kind="every",
            starts_on=date(2026, 1, 1),
            interval=2,
            interval_unit="weeks",
            created_by=supervisor,
        )
        for c in own
    )
    MeasureInvitation.objects.bulk_create(
        MeasureInvitation(
            client_id=s.client_id,
            practice_id=s.practice_id,
            schedule=s,
            instruments=["phq9"],
            status="expired",
            expires_at=NOW - timedelta(days=1),
        )
        for s in schedules
    )


def audit_inserts(events: int) -> int:
    """The statements Django needs to insert `events` audit events on this database."""
    fields = AuditEvent._meta.concrete_fields
    return math.ceil(events / connection.ops.bulk_batch_size(fields, [None] * events))


@pytest.mark.parametrize("clients", [10, 500])
def test_the_list_and_the_summary_read_in_the_same_number_of_queries_whatever_the_caseload(
    frozen, supervisor, clinician, as_user, django_assert_num_queries, clients
):
    caseload(supervisor, clinician, clients)
    api = as_user(supervisor)
    named = {item["client"]["id"] for item in api.get(QUEUE).json()["results"]}

    with django_assert_num_queries(READS + audit_inserts(len(named))):
        listed = api.get(QUEUE)
    with django_assert_num_queries(READS + 1):  # counts only: one event, with no client
        counted = api.get(SUMMARY)

    assert listed.status_code == counted.status_code == 200
    if connection.vendor == "postgresql":
        assert audit_inserts(len(named)) == 1
    # every reason has an item per client of the caseload, reassessment two
    assert counted.json() == {
        **dict.fromkeys(["risk_flag_open", "appointment_today", "note_unsigned"], clients),
        **dict.fromkeys(["cosign_awaited", "homework_overdue"], clients),
        "reassessment_due": 2 * clients,
        "total": 7 * clients,
    }
    assert len(listed.json()["results"]) == 5 * min(clients, 100) + min(2 * clients, 100)
