"""TRUNCATE skips the row triggers that keep audit events append-only; on PostgreSQL a statement
trigger refuses it too, even from the tables' owner and even when a cascade reaches the trail."""

import pytest
from django.db import DatabaseError, connection, transaction

from api.audit.models import AuditEvent
from tests.hardening.conftest import as_caller

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="TRUNCATE and its triggers are PostgreSQL's; SQLite has neither",
    ),
]

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def trail(clinician, client_record) -> list:
    """Two events of a clinician reading a client."""
    for _ in range(2):
        assert as_caller(clinician).get(f"/api/v1/clients/{client_record.pk}/").status_code == 200
    with connection.cursor() as cursor:
        # As if committed: the deferred foreign-key checks of the rows just written run now, or
        # TRUNCATE would be refused for them ("pending trigger events") and prove nothing.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return list(AuditEvent.objects.values().order_by("at", "id"))


@pytest.mark.parametrize(
    "statement",
    [
        f"TRUNCATE {TABLE}",
        f"TRUNCATE TABLE ONLY {TABLE} RESTART IDENTITY",
        # Every event refers to a practice: a cascade from there reaches the trail.
        "TRUNCATE accounts_practice CASCADE",
    ],
)
def test_the_owner_cannot_truncate_the_audit_trail(trail, statement, as_owner):
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert len(trail) == 2
    assert list(AuditEvent.objects.values().order_by("at", "id")) == trail
