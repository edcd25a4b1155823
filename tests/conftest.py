import contextlib
import io
import threading
from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from tests.factories import (
    AdminFactory,
    ClientFactory,
    PracticeFactory,
    SessionFactory,
    SupervisorFactory,
    UserFactory,
)
from tests.helpers import bearer, enable_mfa, sign_in_with_mfa, sign_note


@pytest.fixture(scope="session", autouse=True)
def _modules_loaded_before_time_stands_still():
    """The first request imports the URLconf and every view behind it. Imported while a test
    holds time still (freezegun), a module would keep the fake clock for good (a throttle's
    `timer`, a chart's date converter, a token's clock) in the tests that follow; loaded
    before any test, it keeps the real ones."""
    import_module(settings.ROOT_URLCONF)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_setup, django_db_blocker):
    """Throttle counters, lock-outs and idempotency records live in the shared cache (a table
    of the test database); each test that uses the database leaves it empty for the next. One
    that does not could not have filled it, and may run where no test database was made."""
    yield
    if request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        with django_db_blocker.unblock():
            cache.clear()


# On PostgreSQL the suite runs as the API runs in production: as a role that owns no table
# (`manage.py grant_app_role`), under row-level security (api/tenancy.py). The tests' own code
# reads and writes across practices: their session sets `app.all_practices`, which a request
# sets aside (RequestWithoutPracticeMiddleware) until its handler enters its caller's practice.
APP_ROLE = "rootwise_test_app"


def _run_as_app_role(sender, connection, **kwargs):
    if connection.vendor != "postgresql" or connection.alias != DEFAULT_DB_ALIAS:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {APP_ROLE}")
        if threading.current_thread() is threading.main_thread():  # not a live server's
            cursor.execute("SET app.all_practices = 'on'")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        call_command("grant_app_role", APP_ROLE, stdout=io.StringIO())
        _run_as_app_role(None, connection)
    connection_created.connect(_run_as_app_role)
    yield
    connection_created.disconnect(_run_as_app_role)


TRANSACTION_CONTROL = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


def data_queries(pytestconfig, *, exact: bool):
    """As pytest-django's query assertions, counting the statements that read or write data:
    not transaction control (savepoints; BEGIN and COMMIT are never logged), nor entering and
    leaving a practice scope (api/tenancy.py), one statement per request in production and a
    few more here, where each scope nests in the test's transaction and hands its settings
    back."""

    @contextlib.contextmanager
    def assert_queries(num: int, connection=connection):
        with CaptureQueriesContext(connection) as context:
            yield context
        counted = [
            query["sql"]
            for query in context.captured_queries
            if not query["sql"].startswith(TRANSACTION_CONTROL)
            and "set_config('app." not in query["sql"]
            and "current_setting('app." not in query["sql"]
        ]
        if len(counted) != num if exact else len(counted) > num:
            listing = "\n\n".join(counted) if pytestconfig.getoption("verbose") > 0 else ""
            expected = num if exact else f"at most {num}"
            pytest.fail(f"Expected {expected} queries but {len(counted)} were done\n{listing}")

    return assert_queries


@pytest.fixture
def django_assert_num_queries(pytestconfig):
    return data_queries(pytestconfig, exact=True)


@pytest.fixture
def django_assert_max_num_queries(pytestconfig):
    return data_queries(pytestconfig, exact=False)


@pytest.fixture
def as_owner(db):
    """The test runs as the tables' owner (the session's own user), for what only the owner may
    do (DDL, migrations); the app role is back for the next test."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    yield
    if not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {APP_ROLE}")


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_trail():
    """Transactional tests end with Django's flush, one TRUNCATE of every table, which the
    audit trail refuses on PostgreSQL (api/audit/migrations/0004_refuse_truncate.py). The test
    database is flushed as an owner archives deliberately: the trigger disabled and enabled
    again within the flush's own transaction."""
    table = AuditEvent._meta.db_table
    trigger = f"ALTER TABLE {table} {{}} TRIGGER audit_event_refuse_truncate"
    sql_flush = DatabaseOperations.sql_flush

    def sql_flush_past_the_trigger(self, style, tables, **options):
        statements = sql_flush(self, style, tables, **options)
        if table not in tables or not statements:
            return statements
        return [
            "RESET ROLE",  # as the owner, who alone may
            trigger.format("DISABLE"),
            *statements,
            trigger.format("ENABLE"),
            f"SET ROLE {APP_ROLE}",
        ]

    with mock.patch.object(DatabaseOperations, "sql_flush", sql_flush_past_the_trigger):
        yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def other_practice(db):
    return PracticeFactory(name="Elsewhere Therapy")


@pytest.fixture
def admin(practice):
    return AdminFactory(practice=practice)


@pytest.fixture
def supervisor(practice):
    return SupervisorFactory(practice=practice)


@pytest.fixture
def clinician(practice, supervisor):
    return UserFactory(practice=practice, supervisor=supervisor)


@pytest.fixture
def colleague(practice):
    """A clinician of the same practice with no relation to anyone else's clients."""
    return UserFactory(practice=practice)


@pytest.fixture
def outsider(other_practice):
    """A clinician of another practice."""
    return UserFactory(practice=other_practice)


@pytest.fixture
def mfa_outsider(other_practice):
    """A clinician of another practice who signs in with a second factor: `as_user` signs
    them in through both steps, so the attacker tests also run with real tokens."""
    user = UserFactory(practice=other_practice)
    enable_mfa(user)
    return user


@pytest.fixture
def other_supervisor(practice):
    """A supervisor of the same practice who does not supervise `clinician`."""
    return SupervisorFactory(practice=practice)


@pytest.fixture
def stranger(other_practice):
    """An admin of another practice: sees everything there, nothing here."""
    return AdminFactory(practice=other_practice)


@pytest.fixture
def person(request):
    """The user a test parametrised with `tests.helpers.as_each(...)` acts as: the fixture of
    that name."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def as_user():
    """`as_user(user)` returns a new API client authenticated as `user`; for someone with
    two-factor sign-in (`tests.helpers.enable_mfa`), a client holding the access token of a
    real sign-in through both steps (one per test: a code works once)."""
    signed_in = {}

    def authenticate(user) -> APIClient:
        if getattr(user, "totp_secret", None):
            if user.pk not in signed_in:
                signed_in[user.pk] = sign_in_with_mfa(user)["access"]
            return bearer(signed_in[user.pk])
        client = APIClient()
        client.force_authenticate(user)
        return client

    return authenticate


@pytest.fixture
def client_record(clinician):
    """A client of `clinician` (who is supervised by `supervisor`), with presenting roots."""
    return ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 4)])


@pytest.fixture
def care_team_member(practice, client_record):
    """A clinician on `client_record`'s care team: reads and writes the client's records, but
    sessions they did not hold are not theirs to change."""
    member = UserFactory(practice=practice)
    client_record.care_team.add(member, through_defaults={"practice_id": client_record.practice_id})
    return member


@pytest.fixture
def session_record(client_record):
    """An unsigned completed session of `client_record`, by `clinician`."""
    return SessionFactory(client=client_record, roots_addressed=["perfectionism"])


@pytest.fixture
def signed_session(session_record):
    """`session_record`, signed by its clinician."""
    return sign_note(session_record)
