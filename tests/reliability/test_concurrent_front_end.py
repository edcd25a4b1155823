"""A front end's parallel requests against the development server (`make run`), and what the
API says when the database refuses: an outage is a 503 whose log gives the database's reason
(and no client data), a write undone for a concurrent one's sake is a 409 to retry."""

import contextlib
import logging
import socket
import sqlite3
import time
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError, connection

from tests.factories import TEST_PASSWORD, ClientFactory, UserFactory
from tests.helpers import assert_problem, login
from tests.reliability.front_end_load import failures, run_load, serve

OUR_PORTS = range(8830, 8840)


def free_port() -> int:
    for port in OUR_PORTS:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port
    pytest.skip(f"no free port in {OUR_PORTS}")


@contextlib.contextmanager
def database_for_a_server(tmp_path):
    """A database the development server, another process, can open with the test's data: the
    PostgreSQL test database itself, or a file copy of SQLite's in-memory one."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings["USER"], settings["HOST"], settings["PORT"]
        yield f"postgres://{user}@{host}:{port}/{settings['NAME']}"
        return
    copy = tmp_path / "front-end.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    yield f"sqlite:///{copy}"


@pytest.mark.django_db(transaction=True)
def test_parallel_tabs_all_succeed_against_the_development_server(tmp_path):
    clinician = UserFactory()
    client = ClientFactory(primary_clinician=clinician)
    token = login(clinician.email, TEST_PASSWORD).json()["access"]

    with (
        database_for_a_server(tmp_path) as database_url,
        serve(database_url, free_port(), tmp_path / "server.log", prepare=False) as base_url,
    ):
        answers = run_load(base_url, token, str(client.pk), tabs=12, sessions=3)
        left_open = connections_of_other_processes()

    assert failures(answers) == 0, (answers, (tmp_path / "server.log").read_text()[-2000:])
    assert answers["write", 201] == 36
    # Kept, they would pile up with every new request thread until PostgreSQL refuses more.
    assert left_open == 0


def connections_of_other_processes(settle_seconds: float = 3) -> int:
    """Connections to this database other than the test's own (always 0 on SQLite), once the
    server has had a moment to close those of requests it has just answered."""
    if connection.vendor != "postgresql":
        return 0
    deadline = time.monotonic() + settle_seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            count = cursor.fetchone()[0]
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def database_error(error_class, message: str) -> OperationalError:
    """What Django raises for a driver's error: its own class, caused by the driver's."""
    try:
        raise error_class(message)
    except Exception as cause:
        try:
            raise OperationalError(*cause.args) from cause
        except OperationalError as wrapped:
            return wrapped


PRIVATE = "Quokkasentinel"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        pytest.param((sqlite3.OperationalError, "database is locked"), id="sqlite_locked"),
        pytest.param(
            (psycopg.OperationalError, f"sorry, too many clients already\nDETAIL: {PRIVATE}"),
            id="postgresql_too_many_clients",
        ),
    ],
)
def test_an_outage_is_a_503_whose_log_gives_the_databases_reason_without_client_data(
    error, client_record, clinician, as_user, caplog
):
    error_class, message = error
    with (
        mock.patch(
            "clients.views.clients_for_reading", side_effect=database_error(error_class, message)
        ),
        caplog.at_level(logging.ERROR, logger="rootwise.errors"),
    ):
        response = as_user(clinician).get("/api/v1/clients/")

    assert_problem(response, 503)
    (logged,) = [r.getMessage() for r in caplog.records if r.name == "rootwise.errors"]
    assert message.splitlines()[0] in logged
    assert PRIVATE not in logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error_class",
    [psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure],
    ids=["deadlock", "serialization_failure"],
)
def test_a_write_undone_for_a_concurrent_one_is_a_409_to_retry_not_an_outage(
    error_class, client_record, clinician, as_user, caplog
):
    body = {
        "client": str(client_record.pk),
        "starts_at": "2026-03-02T10:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
    }
    conflict = database_error(error_class, f"deadlock detected\nDETAIL: {PRIVATE} waits")
    api = as_user(clinician)

    with (
        mock.patch("sessions.views.services.session_create", side_effect=conflict),
        caplog.at_level(logging.WARNING, logger="rootwise.errors"),
    ):
        response = api.post("/api/v1/sessions/", body, format="json")

    problem = assert_problem(response, 409)
    assert "retry" in problem["detail"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert PRIVATE not in caplog.text
    assert api.post("/api/v1/sessions/", body, format="json").status_code == 201
