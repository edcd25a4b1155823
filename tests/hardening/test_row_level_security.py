"""The database itself keeps practices apart (api/tenancy.py, docs/security.md): on PostgreSQL,
as the role the API runs as, a view that forgot its scoping still serves no other practice's
row, and SQL in another practice's scope reads and writes none. SQLite has no row-level
security: there the views' scoping alone keeps practices apart, as the docs say."""

import uuid

import pytest
from django.apps import apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q

from api.tenancy import all_practices, practice_scope
from assessments.views import AssessmentViewSet, RiskFlagViewSet
from clients.views import ClientViewSet
from sessions.homework.views import HomeworkViewSet
from sessions.models import Session
from sessions.views import SessionViewSet
from tests.conftest import APP_ROLE
from tests.factories import (
    AddendumFactory,
    AssessmentFactory,
    ClientFactory,
    HomeworkFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-level security is PostgreSQL's; on SQLite the views' scoping stands alone",
    ),
]


def tenant_tables() -> list[str]:
    """Every table with a practice column, but staff accounts: the sign-in path must find an
    account by email before it knows the practice (docs/security.md)."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if any(field.name == "practice" for field in model._meta.fields)
        and model._meta.label != "accounts.User"
    )


def count(table: str, where: str = "TRUE", params=None) -> int:
    return query(f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0]  # noqa: S608


def query(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def theirs(other_practice):
    """A client of another practice with a record of every kind."""
    clinician = UserFactory(practice=other_practice)
    client = ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 3)])
    session = SessionFactory(client=client, roots_addressed=["perfectionism"], signed=True)
    AddendumFactory(session=session)
    HomeworkFactory(client=client, session=session)
    AssessmentFactory(client=client, responses=[1] * 9)  # raises a risk flag too
    return client


@pytest.fixture
def ours(clinician):
    client = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=client)
    HomeworkFactory(client=client)
    AssessmentFactory(client=client, responses=[1] * 9)
    return client


def test_the_suite_runs_as_the_app_role_which_cannot_bypass_row_level_security():
    assert query("SELECT current_user")[0][0] == APP_ROLE
    assert query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
        (False, False)
    ]


def test_every_table_of_practice_data_has_row_level_security():
    tables = tenant_tables()
    rows = query(
        "SELECT relname, relrowsecurity FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
        [tables],
    )

    assert "clients_client" in tables and "audit_auditevent" in tables
    assert rows == [(table, True) for table in tables]


UNSCOPED_VIEWS = [
    (ClientViewSet, "/api/v1/clients/"),
    (SessionViewSet, "/api/v1/sessions/"),
    (HomeworkViewSet, "/api/v1/homework/"),
    (AssessmentViewSet, "/api/v1/assessments/?include_voided=true"),
    (RiskFlagViewSet, "/api/v1/risk-flags/"),
]


@pytest.mark.parametrize(("view", "url"), UNSCOPED_VIEWS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_view_that_forgot_its_scoping_still_lists_only_its_practice(
    view, url, monkeypatch, ours, theirs, clinician, as_user
):
    monkeypatch.setattr(view, "scope", lambda self, user: Q())  # the bug: every row "visible"

    response = as_user(clinician).get(url)

    assert response.status_code == 200
    clients = {row.get("client", row["id"]) for row in response.json()["results"]}
    assert clients == {str(ours.pk)}


def test_a_view_that_forgot_its_scoping_still_finds_no_record_of_another_practice(
    monkeypatch, theirs, clinician, as_user
):
    monkeypatch.setattr(ClientViewSet, "scope", lambda self, user: Q())
    monkeypatch.setattr(SessionViewSet, "scope", lambda self, user: Q())
    session = Session.objects.get(client=theirs)
    api = as_user(clinician)

    assert api.get(f"/api/v1/clients/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/sessions/{session.pk}/").status_code == 404
    assert api.patch(f"/api/v1/clients/{theirs.pk}/", {"given_name": "X"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.given_name != "X"


def test_sql_in_another_practices_scope_reads_no_row_of_this_one(ours, theirs, practice):
    with practice_scope(theirs.practice_id):
        counts = {
            table: count(table, "practice_id = %s", [practice.pk]) for table in tenant_tables()
        }
        own = count("clients_client")

    assert counts == dict.fromkeys(tenant_tables(), 0)
    assert own == 1


def test_sql_outside_any_scope_reads_no_practice_at_all(ours, theirs):
    with transaction.atomic():
        query(
            "SELECT set_config('app.all_practices', 'off', true), "
            "set_config('app.practice_id', '', true)"
        )
        # Built-in homework templates belong to no practice: every practice reads them.
        counts = {table: count(table, "practice_id IS NOT NULL") for table in tenant_tables()}
        transaction.set_rollback(True)

    assert counts == dict.fromkeys(tenant_tables(), 0)


def test_sql_in_another_practices_scope_cannot_write_this_ones_rows(ours, theirs):
    with (
        pytest.raises(DatabaseError, match="row-level security"),
        practice_scope(theirs.practice_id),
    ):
        query(
            "INSERT INTO clients_presentingroot (client_id, practice_id, root, severity, "
            "is_primary, note) VALUES (%s, %s, 'perfectionism', 3, false, '')",
            [ours.pk, ours.practice_id],
        )

    with practice_scope(theirs.practice_id):
        updated = query(
            "UPDATE clients_client SET given_name = 'X' WHERE id = %s RETURNING id", [ours.pk]
        )
    assert updated == []


def test_a_row_whose_practice_is_not_its_parents_is_refused(ours, theirs):
    session = Session.objects.filter(client=ours).first()
    with pytest.raises(IntegrityError), all_practices():
        Session.objects.filter(pk=session.pk).update(practice_id=theirs.practice_id)

    assert Session.objects.get(pk=session.pk).practice_id == ours.practice_id


def test_a_scope_of_no_practice_may_record_an_unknown_callers_event_but_reads_none():
    with practice_scope(None):
        query(
            "INSERT INTO audit_auditevent (id, at, action, object_type, object_id, outcome, "
            "status_code, user_agent, request_id, method, path) VALUES "
            "(%s, now(), 'login_failed', 'user', '', 'failed', 401, '', '', 'POST', '/')",
            [uuid.uuid4()],
        )
        seen = count("audit_auditevent")

    assert seen == 0
    assert count("audit_auditevent", "practice_id IS NULL") == 1
