"""The API runs as a database role that owns nothing (`manage.py grant_app_role`): it serves a
clinician's day, and an attacker holding its connection cannot empty, rewrite or unprotect the
audit trail. Each test makes its own role inside its transaction, so none outlives it."""

import contextlib
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from api.audit.models import AuditEvent
from api.management.commands.grant_app_role import PASSWORD_VARIABLE, append_only
from tests.helpers import bearer, login, refresh

pytestmark = pytest.mark.django_db

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="database roles and grants are PostgreSQL's; SQLite has no users to run as",
)
API = "/api/v1/"
AUDIT = AuditEvent._meta.db_table
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def grant_app_role(role: str) -> str:
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out)
    return out.getvalue()


@pytest.fixture
def app_role(as_owner):
    """A role set up by the command for this test only. Roles belong to the whole cluster, so
    its name is unique, and it is created in the test's transaction, which is rolled back."""
    if query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") != [(True,)]:
        pytest.skip("switching to the app role (SET ROLE) needs a superuser test database user")
    role = f"rootwise_app_test_{uuid.uuid4().hex[:12]}"
    grant_app_role(role)
    yield role
    # Other fixtures' teardowns (clearing the cache) run as the session's user again. Should
    # the transaction be broken, its rollback resets the role anyway.
    with contextlib.suppress(DatabaseError):
        query("RESET ROLE")


def become(role: str) -> None:
    """The rest of the test's transaction, requests included, runs as `role`."""
    query(f"SET LOCAL ROLE {role}")
    assert query("SELECT current_user")[0][0] == role


def query(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def privileges(role: str) -> set:
    """Every privilege `role` holds on the schema's tables and sequences, and by default."""
    tables = query(
        "SELECT tablename, p FROM pg_tables, unnest(%s::text[]) AS p "
        "WHERE schemaname = current_schema() AND has_table_privilege(%s, tablename, p)",
        [list(TABLE_PRIVILEGES), role],
    )
    sequences = query(
        "SELECT sequencename, p FROM pg_sequences, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p "
        "WHERE schemaname = current_schema() AND has_sequence_privilege(%s, sequencename, p)",
        [role],
    )
    defaults = query("SELECT defaclobjtype, defaclacl::text FROM pg_default_acl")
    return set(tables) | set(sequences) | {(kind, acl) for kind, acl in defaults if role in acl}


def refused(statement: str) -> None:
    """`statement` is refused for lack of a privilege, and the transaction goes on."""
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        transaction.atomic(),
    ):
        query(statement)


# --- the API works as the app role -------------------------------------------------------------


def session_body(client_id: str) -> dict:
    return {
        "client": client_id,
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["past_failures"],
        "note": {"format": "narrative", "text": "Talked about the exam."},
    }


def assessment_body(client_id: str) -> dict:
    return {
        "client": client_id,
        "instrument": "phq9",
        "administered_on": "2025-06-02",
        "source": "clinician",
        "responses": [1, 2, 0, 3, 1, 0, 2, 1, 2],  # item 9 above 0 raises a risk flag
    }


def created(response) -> str:
    assert response.status_code == 201, response.content
    return response.json()["id"]


@POSTGRESQL_ONLY
def test_the_api_serves_a_clinicians_day_as_the_app_role(app_role, clinician, admin):
    """Sign-in and its throttle (the cache table), tokens, clients, sessions with idempotency
    keys and ETags, signing, addenda, homework, assessments and the audit trail."""
    become(app_role)

    tokens = login(clinician.email)
    assert tokens.status_code == 200, tokens.content
    api = bearer(tokens.json()["access"])
    client_id = created(
        api.post(API + "clients/", {"given_name": "Ada", "family_name": "Byron"}, format="json")
    )
    client_url = f"{API}clients/{client_id}/"
    etag = api.get(client_url)["ETag"]
    changed = api.patch(client_url, {"preferred_name": "Ada"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content

    key = {"format": "json", "HTTP_IDEMPOTENCY_KEY": "day-1"}
    session_id = created(api.post(API + "sessions/", session_body(client_id), **key))
    assert created(api.post(API + "sessions/", session_body(client_id), **key)) == session_id
    session_url = f"{API}sessions/{session_id}/"
    assert api.post(session_url + "sign/").status_code == 200
    created(api.post(session_url + "addenda/", {"text": "Called back."}, format="json"))
    assert api.get(API + "sessions/", {"client": client_id}).status_code == 200
    homework = {"client": client_id, "strategy": "self_reflection", "title": "Notes"}
    created(api.post(API + "homework/", homework, format="json"))
    created(api.post(API + "assessments/", assessment_body(client_id), format="json"))
    rotated = refresh(tokens.json()["refresh"])
    assert rotated.status_code == 200, rotated.content
    logout = api.post(API + "auth/logout/", {"refresh": rotated.json()["refresh"]}, format="json")
    assert logout.status_code == 204, logout.content

    trail = bearer(login(admin.email).json()["access"]).get(
        API + "audit-events/", {"client": client_id, "page_size": 100}
    )
    assert trail.status_code == 200, trail.content
    actions = {event["action"] for event in trail.json()["results"]}
    assert {"create", "read", "update", "sign"} <= actions, actions
    assert query("SELECT current_user") == [(app_role,)]


# --- what the app role cannot do ---------------------------------------------------------------


@POSTGRESQL_ONLY
def test_the_app_role_cannot_empty_rewrite_or_unprotect_the_audit_trail(app_role, clinician):
    owner = query("SELECT current_user")[0][0]
    become(app_role)
    assert login(clinician.email).status_code == 200  # the app role writes the trail's events
    trail = list(AuditEvent.objects.values().order_by("at", "id"))
    assert trail

    refused(f"TRUNCATE {AUDIT}")
    refused("TRUNCATE accounts_practice CASCADE")
    refused(f"ALTER TABLE {AUDIT} DISABLE TRIGGER audit_event_append_only")
    refused(f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL")
    refused(f"DROP TRIGGER audit_event_refuse_truncate ON {AUDIT}")
    refused(f"ALTER TABLE {AUDIT} OWNER TO {app_role}")
    refused(f"DROP TABLE {AUDIT}")
    refused(f"UPDATE {AUDIT} SET path = '/forged/'")  # noqa: S608
    refused(f"DELETE FROM {AUDIT}")  # noqa: S608
    refused("SET session_replication_role = replica")  # which would silence every trigger
    refused("CREATE TABLE rootwise_shadow_trail (id int)")
    refused("TRUNCATE rootwise_cache")

    # SET ROLE is checked against the session's user, here the tests' superuser; signed in as the
    # app role, it would need membership of the owner, which the app role lacks.
    assert query("SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner]) == [(False,)]
    assert list(AuditEvent.objects.values().order_by("at", "id")) == trail
    assert login(clinician.email).status_code == 200
    assert AuditEvent.objects.count() == len(trail) + 1


# --- the command -------------------------------------------------------------------------------


@POSTGRESQL_ONLY
def test_the_app_role_may_only_read_and_add_to_the_audit_trail_and_read_the_history(app_role):
    held = privileges(app_role)

    assert {(AUDIT, p) for p in TABLE_PRIVILEGES} & held == {(AUDIT, "SELECT"), (AUDIT, "INSERT")}
    history = "django_migrations"
    assert {(history, p) for p in TABLE_PRIVILEGES} & held == {(history, "SELECT")}
    for table in ("clients_client", "therapy_sessions_session", "rootwise_cache"):
        assert {(table, p) for p in ("SELECT", "INSERT", "UPDATE", "DELETE")} <= held
    assert not {privilege for _, privilege in held} & {"TRUNCATE", "REFERENCES", "TRIGGER"}


@POSTGRESQL_ONLY
def test_tables_that_later_migrations_create_get_the_app_grants(app_role):
    query(
        "CREATE TABLE rootwise_later_feature (id bigint GENERATED BY DEFAULT AS IDENTITY, x text)"
    )
    become(app_role)

    query("INSERT INTO rootwise_later_feature (x) VALUES ('a')")
    query("UPDATE rootwise_later_feature SET x = 'b'")
    assert query("SELECT x FROM rootwise_later_feature") == [("b",)]
    query("DELETE FROM rootwise_later_feature")
    refused("TRUNCATE rootwise_later_feature")
    refused("ALTER TABLE rootwise_later_feature ADD COLUMN y text")


@POSTGRESQL_ONLY
def test_running_it_again_changes_nothing_and_takes_back_stray_grants(app_role):
    granted = privileges(app_role)
    query(f"GRANT ALL ON {AUDIT}, django_migrations, clients_client TO {app_role}")

    output = grant_app_role(app_role)

    assert output.startswith(f"Updated {app_role}")
    assert privileges(app_role) == granted


@POSTGRESQL_ONLY
@pytest.mark.parametrize(
    ("grant", "problem"),
    [
        ("ALTER ROLE {role} CREATEROLE", "has CREATEROLE"),
        ("GRANT pg_write_all_data TO {role}", f"may UPDATE {AUDIT}"),
        ("GRANT {owner} TO {role}", "acts as the tables' owner"),
    ],
)
def test_a_role_that_could_do_more_than_the_app_needs_is_refused(app_role, grant, problem):
    owner = query("SELECT current_user")[0][0]
    query(grant.format(role=app_role, owner=owner))

    with pytest.raises(CommandError, match=problem):
        grant_app_role(app_role)


@POSTGRESQL_ONLY
@pytest.mark.parametrize(
    ("role", "message"),
    [
        (None, "owns the tables"),  # the owner itself
        ('app"; DROP TABLE audit_auditevent; --', "letters, digits"),
    ],
)
def test_the_owner_or_a_strange_name_is_refused(role, message, as_owner):
    role = role or query("SELECT current_user")[0][0]
    with pytest.raises(CommandError, match=message):
        grant_app_role(role)
    assert query(f"SELECT count(*) FROM {AUDIT}")  # noqa: S608


@POSTGRESQL_ONLY
def test_the_password_comes_from_the_environment_and_only_its_verifier_is_sent(
    app_role, monkeypatch
):
    password = "correct-horse-battery-staple-7"
    monkeypatch.setenv(PASSWORD_VARIABLE, password)

    with CaptureQueriesContext(connection) as executed:
        grant_app_role(app_role)

    (stored,) = query("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [app_role])[0]
    assert stored.startswith("SCRAM-SHA-256$")
    assert any(stored in run["sql"] for run in executed.captured_queries)
    assert not any(password in run["sql"] for run in executed.captured_queries)


@POSTGRESQL_ONLY
def test_every_append_only_table_is_append_only_for_the_app_role():
    """A table given an append-only trigger by a later migration must be listed in
    APPEND_ONLY_MODELS, or the default privileges let the app update and delete its rows."""
    protected = query(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname LIKE '%%append_only'"
    )
    assert {table for (table,) in protected} == set(append_only())


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="on PostgreSQL the tests above run the command"
)
def test_on_sqlite_the_command_says_roles_are_postgresqls():
    with pytest.raises(CommandError, match="PostgreSQL"):
        grant_app_role("rootwise_app")
