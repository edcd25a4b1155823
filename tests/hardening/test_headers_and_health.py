"""What every API response says about itself (no caching, no sniffing, a request id), the size
limits of pages and bodies, and the health endpoints an orchestrator polls."""

import json
import re
import runpy
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from gunicorn.config import Config
from gunicorn.glogging import Logger
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from clients.models import Client
from tests.hardening.conftest import as_caller
from tests.helpers import TOKEN_URL, assert_problem

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ONE_MIB = 1024 * 1024


def padded(document: dict, size: int) -> str:
    """`document` as JSON of exactly `size` bytes: valid JSON, padded with whitespace."""
    text = json.dumps(document)
    return text[:-1] + " " * (size - len(text)) + "}"


def too_big(document=None) -> str:
    return padded(document or {"given_name": "Ada", "family_name": "Byron"}, ONE_MIB + 1)


def post_json(api, url, raw: str, **headers):
    return api.post(url, raw, content_type="application/json", **headers)


# Responses of every kind under /api/: data, created, problems raised in DRF and in Django,
# a streamed export, sign-in.
RESPONSES = {
    "list": lambda api, c: api.get("/api/v1/clients/"),
    "record": lambda api, c: api.get(f"/api/v1/clients/{c.pk}/"),
    "created": lambda api, c: api.post(
        "/api/v1/clients/", {"given_name": "A", "family_name": "B"}, format="json"
    ),
    "invalid": lambda api, c: api.post("/api/v1/clients/", {}, format="json"),
    "not found": lambda api, c: api.get("/api/v1/clients/00000000-0000-0000-0000-000000000000/"),
    "no such URL": lambda api, c: api.get("/api/v1/no-such-thing/"),
    "no such version": lambda api, c: api.get("/api/v2/clients/"),
    "not signed in": lambda api, c: APIClient().get("/api/v1/clients/"),
    "method not allowed": lambda api, c: api.put("/api/v1/clients/", {}, format="json"),
    "too large": lambda api, c: post_json(api, "/api/v1/clients/", too_big()),
    "csv export": lambda api, c: api.get(f"/api/v1/clients/{c.pk}/report/?format=csv"),
    "sign-in": lambda api, c: APIClient().post(
        TOKEN_URL, {"email": "x@example.test", "password": "wrong"}, format="json"
    ),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_api_response_is_uncacheable_unsniffable_and_has_a_request_id(
    kind, clinician, client_record
):
    response = RESPONSES[kind](as_caller(clinician), client_record)

    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert GENERATED_ID.match(response["X-Request-ID"])


def test_each_request_gets_its_own_id(clinician):
    api = as_caller(clinician)

    ids = {api.get("/api/v1/clients/")["X-Request-ID"] for _ in range(3)}

    assert len(ids) == 3


@pytest.mark.parametrize(
    "incoming",
    ["abcdefgh", "req-2025.06.02_0001", "0f8e7b2c-1f0a-4c39-9a55-0b9e2f6c3d11", "a" * 64],
)
def test_a_well_formed_request_id_is_echoed(incoming, clinician):
    response = as_caller(clinician).get("/api/v1/clients/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        "short",
        "a" * 65,
        "has spaces in it",
        "semi;colon-0001",
        "ünïcode-0001",
        "<script>x</script>",
    ],
)
def test_a_malformed_request_id_is_replaced(incoming, clinician):
    response = as_caller(clinician).get("/api/v1/clients/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert GENERATED_ID.match(response["X-Request-ID"])


# --- page size ---------------------------------------------------------------------------------


@pytest.fixture
def many_clients(clinician):
    Client.objects.bulk_create(
        Client(
            practice=clinician.practice,
            primary_clinician=clinician,
            given_name=f"Client{index:03}",
            family_name="Many",
            intake_date="2025-01-01",
        )
        for index in range(205)
    )


@pytest.mark.parametrize("asked, given", [(1000, 200), (201, 200), (200, 200), (3, 3)])
def test_a_page_size_above_200_is_capped_at_200(asked, given, clinician, many_clients):
    response = as_caller(clinician).get("/api/v1/clients/", {"page_size": asked})

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == given
    assert response.json()["next"] is not None


@pytest.mark.parametrize("asked", ["0", "000", "-3", "2.5", "ten", "", " 3", "¹", "٣", "3\u200b"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_refused(asked, clinician):
    response = as_caller(clinician).get("/api/v1/clients/", {"page_size": asked})

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["page_size"]


def test_a_page_size_thousands_of_digits_long_is_capped(clinician, many_clients):
    response = as_caller(clinician).get("/api/v1/clients/", {"page_size": "9" * 5000})

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 200


def test_the_audit_trail_caps_its_page_size_too(admin):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=admin, practice=admin.practice, action="read", outcome="success",
                   status_code=200)
        for _ in range(201)
    )  # fmt: skip

    response = as_caller(admin).get("/api/v1/audit-events/", {"page_size": 500})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["next"] is not None


# --- body size ---------------------------------------------------------------------------------


def test_the_body_limit_is_one_mebibyte():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == ONE_MIB


def test_a_body_over_one_mebibyte_is_a_413_problem_and_creates_nothing(clinician):
    response = post_json(as_caller(clinician), "/api/v1/clients/", too_big())

    problem = assert_problem(response, 413)
    assert problem["type"] == "urn:rootwise:problem:payload-too-large"
    assert Client.objects.count() == 0


def test_a_body_of_exactly_one_mebibyte_is_accepted(clinician):
    body = padded({"given_name": "Ada", "family_name": "Byron"}, ONE_MIB)

    response = post_json(as_caller(clinician), "/api/v1/clients/", body)

    assert response.status_code == 201, response.content[:300]
    assert Client.objects.get().given_name == "Ada"


def test_an_oversized_change_is_a_413_and_changes_nothing(clinician, client_record):
    before = Client.objects.filter(pk=client_record.pk).values().get()

    response = as_caller(clinician).patch(
        f"/api/v1/clients/{client_record.pk}/",
        too_big({"given_name": "Changed"}),
        content_type="application/json",
    )

    assert_problem(response, 413)
    assert Client.objects.filter(pk=client_record.pk).values().get() == before


def test_an_oversized_sign_in_is_a_413_and_audited_as_failed(clinician):
    body = too_big({"email": clinician.email, "password": "a-guess"})

    response = post_json(APIClient(), TOKEN_URL, body)

    assert_problem(response, 413)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.status_code) == ("login_failed", "failed", 413)


def test_an_oversized_body_with_an_idempotency_key_is_a_413(clinician):
    response = post_json(
        as_caller(clinician), "/api/v1/clients/", too_big(), HTTP_IDEMPOTENCY_KEY="big-body-0001"
    )

    assert_problem(response, 413)
    assert Client.objects.count() == 0


# --- health ------------------------------------------------------------------------------------


def database_down(error=OperationalError):
    """Every new cursor on the default database fails, as when the server is unreachable."""
    return mock.patch.object(
        connections["default"],
        "cursor",
        side_effect=error("could not connect to server: Connection refused (db.internal:5432)"),
    )


def test_liveness_needs_no_sign_in_and_says_ok():
    response = APIClient().get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert GENERATED_ID.match(response["X-Request-ID"])


def test_health_ignores_credentials_even_broken_ones():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api.get("/health/live").status_code == 200
    assert api.get("/health/ready").status_code == 200


def test_readiness_says_ok_when_the_database_answers():
    response = APIClient().get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_readiness_is_a_503_problem_when_the_database_cannot_be_reached(error):
    with database_down(error):
        response = APIClient().get("/health/ready")

    problem = assert_problem(response, 503)
    assert "db.internal" not in response.content.decode()
    assert problem["type"] == "urn:rootwise:problem:service-unavailable"


def test_liveness_stays_ok_when_the_database_is_down():
    with database_down():
        response = APIClient().get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_request_that_loses_the_database_is_a_503_problem(error, clinician, client_record):
    lost = error("server closed the connection unexpectedly (db.internal:5432)")
    api = as_caller(clinician)

    with mock.patch("clients.views.clients_for_reading", side_effect=lost):
        response = api.get(f"/api/v1/clients/{client_record.pk}/")

    problem = assert_problem(response, 503)
    assert problem["type"] == "urn:rootwise:problem:service-unavailable"
    assert "db.internal" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome, event.status_code) == (
        clinician,
        "read",
        "failed",
        503,
    )


def test_a_write_that_loses_the_database_is_a_503_problem_and_changes_nothing(
    clinician, client_record
):
    before = Client.objects.filter(pk=client_record.pk).values().get()
    lost = OperationalError("terminating connection due to administrator command")

    with mock.patch("clients.services.client_update", side_effect=lost):
        response = as_caller(clinician).patch(
            f"/api/v1/clients/{client_record.pk}/", {"given_name": "Changed"}, format="json"
        )

    assert_problem(response, 503)
    assert Client.objects.filter(pk=client_record.pk).values().get() == before


def test_the_access_log_leaves_out_query_strings_and_referrers():
    """`?search=` holds part of a client's name: gunicorn's access line must not carry it."""
    conf = runpy.run_path(str(settings.BASE_DIR / "api" / "gunicorn.conf.py"))
    config = Config()
    config.set("access_log_format", conf["access_log_format"])
    request = mock.Mock(method="GET", path="/api/v1/clients/", query="search=Zanzibarsentinel")
    request.version = (1, 1)
    request.headers = [("REFERER", "https://app.example/?search=Zanzibarsentinel")]
    response = mock.Mock(status="200 OK", sent=120, headers=[])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "RAW_URI": "/api/v1/clients/?search=Zanzibarsentinel",
        "QUERY_STRING": "search=Zanzibarsentinel",
        "PATH_INFO": "/api/v1/clients/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": "GET",
        "HTTP_REFERER": "https://app.example/?search=Zanzibarsentinel",
        "HTTP_USER_AGENT": "tests",
    }
    logger = Logger(config)
    atoms = logger.atoms(response, request, environ, mock.Mock(seconds=0, microseconds=1))

    line = config.access_log_format % atoms

    assert "/api/v1/clients/" in line
    assert "Zanzibarsentinel" not in line
