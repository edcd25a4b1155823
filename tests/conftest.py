from unittest import mock

import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations
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


@pytest.fixture(autouse=True)
def _fresh_cache(django_db_setup, django_db_blocker):
    """Throttle counters, lock-outs and idempotency records live in the shared cache (a table
    of the test database); each test leaves it empty for the next."""
    yield
    with django_db_blocker.unblock():
        cache.clear()


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
        return [trigger.format("DISABLE"), *statements, trigger.format("ENABLE")]

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
    client_record.care_team.add(member)
    return member


@pytest.fixture
def session_record(client_record):
    """An unsigned completed session of `client_record`, by `clinician`."""
    return SessionFactory(client=client_record, roots_addressed=["perfectionism"])


@pytest.fixture
def signed_session(session_record):
    """`session_record`, signed by its clinician."""
    return sign_note(session_record)
