"""Lists and reports read from a replica that lags, and what still comes from the primary
(api/replica.py). The replica is a second connection to the test database, read-only and as
the app role: what the test writes in its own transaction has not reached it yet, as on a
standby applying the primary's changes later; what a transactional test commits has."""

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from api.audit.models import AuditAction, AuditEvent
from api.db_router import REPLICA
from clients.views import ClientViewSet
from tests.factories import AdminFactory, AssessmentFactory, ClientFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="reading around a transaction the test holds open, and row-level security on the "
    "replica's connection: SQLite's shared in-memory test database locks a table another "
    "connection is writing, and has no row-level security (a replica is a PostgreSQL standby)",
)

CLIENTS = "/api/v1/clients/"
NEW_CLIENT = {"given_name": "Ada", "family_name": "Moss"}


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_a_list_comes_from_the_replica_until_the_reader_writes(
    replica, as_user, clinician, client_record
):
    client = as_user(clinician)
    from_replica = client.get(CLIENTS)
    assert from_replica.status_code == 200
    assert ids(from_replica) == []  # not yet applied there
    assert client.get(f"{CLIENTS}{client_record.pk}/").status_code == 200  # one record: primary

    created = client.post(CLIENTS, NEW_CLIENT, format="json")
    assert created.status_code == 201, created.content
    from_primary = client.get(CLIENTS)

    assert sorted(ids(from_primary)) == sorted([str(client_record.pk), created.json()["id"]])
    assert set(from_primary.headers) == set(from_replica.headers)


@pytest.mark.django_db
def test_a_supervisor_reads_a_new_client_from_the_replica(replica, as_user, clinician, supervisor):
    created = as_user(clinician).post(CLIENTS, NEW_CLIENT, format="json")
    assert created.status_code == 201, created.content

    assert ids(as_user(clinician).get(CLIENTS)) == [created.json()["id"]]
    assert ids(as_user(supervisor).get(CLIENTS)) == []


@pytest.mark.django_db
def test_a_replica_failing_mid_request_leaves_the_read_to_the_primary(
    replica, as_user, clinician, client_record
):
    def terminated(execute, sql, params, many, context):
        raise OperationalError("terminating connection due to administrator command")

    with replica.execute_wrapper(terminated):
        response = as_user(clinician).get(CLIENTS)
    assert response.status_code == 200
    assert ids(response) == [str(client_record.pk)]

    # Taken for down: the primary serves the next reads too.
    assert ids(as_user(clinician).get(CLIENTS)) == [str(client_record.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_replica_shows_the_callers_practice_only_and_the_read_is_audited_on_the_primary(
    replica, as_user, clinician, client_record, other_practice, monkeypatch
):
    admin = AdminFactory(practice=clinician.practice)
    ClientFactory(primary_clinician__practice=other_practice)
    # Without the views' scoping, row-level security alone keeps the other practice out.
    monkeypatch.setattr(ClientViewSet, "scope", lambda self, user: Q())

    with CaptureQueriesContext(replica) as on_replica:
        response = as_user(admin).get(CLIENTS)

    assert response.status_code == 200
    assert ids(response) == [str(client_record.pk)]
    assert any('"clients_client"' in query["sql"] for query in on_replica.captured_queries)
    assert AuditEvent.objects.filter(
        actor=admin, action=AuditAction.READ, client_id=client_record.pk, status_code=200
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_a_streamed_report_reads_its_lines_from_the_replica(replica, as_user, clinician):
    assessment = AssessmentFactory(client__primary_clinician=clinician)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = as_user(clinician).get("/api/v1/reports/outcomes/")
        lines = b"".join(response.streaming_content).decode().splitlines()

    assert response.status_code == 200
    assert len(lines) > 1
    assert str(assessment.client_id) in lines[1]
    streamed = [
        q["sql"] for q in on_replica.captured_queries if "assessments_assessment" in q["sql"]
    ]
    assert len(streamed) == 2  # the clients reported, then the administrations streamed
