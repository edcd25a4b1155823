"""A clinician web app on another origin, as a browser drives it: the preflight must allow every
request header the API documents, and every response header it documents must be readable."""

import json
import urllib.error
import urllib.request

import pytest

from tests.factories import TEST_PASSWORD, ClientFactory, SessionFactory, UserFactory

FRONT_END = "https://app.rootwise.test"
DOCUMENTED_REQUEST_HEADERS = ["authorization", "content-type", "if-match", "idempotency-key"]
DOCUMENTED_REQUEST_HEADERS += ["x-request-id", "accept"]
DOCUMENTED_RESPONSE_HEADERS = {
    "etag",
    "x-request-id",
    "idempotent-replayed",
    "content-disposition",
    "retry-after",
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def front_end_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def call(url: str, method: str = "GET", body: dict | None = None, **headers):
    """One HTTP request as a browser on FRONT_END sends it; (status, headers, body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (loopback)
    for name, value in {"Origin": FRONT_END, **headers}.items():
        request.add_header(name.replace("_", "-"), value)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def header_list(headers, name: str) -> set[str]:
    return {item.strip().lower() for item in (headers.get(name) or "").split(",") if item.strip()}


def sign_in(live_server, user) -> str:
    status, _, body = call(
        f"{live_server.url}/api/v1/auth/token/",
        "POST",
        {"email": user.email, "password": TEST_PASSWORD},
    )
    assert status == 200, body
    return json.loads(body)["access"]


@pytest.mark.parametrize("method", ["PATCH", "POST", "DELETE", "GET"])
def test_the_preflight_allows_every_request_header_the_api_documents(
    method, front_end_origin, live_server
):
    status, headers, _ = call(
        f"{live_server.url}/api/v1/sessions/",
        "OPTIONS",
        Access_Control_Request_Method=method,
        Access_Control_Request_Headers=", ".join(DOCUMENTED_REQUEST_HEADERS),
    )

    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == FRONT_END
    assert method.lower() in header_list(headers, "Access-Control-Allow-Methods")
    assert set(DOCUMENTED_REQUEST_HEADERS) <= header_list(headers, "Access-Control-Allow-Headers")


def test_a_cross_origin_front_end_reads_the_etag_and_request_id_and_writes_with_if_match(
    front_end_origin, live_server
):
    clinician = UserFactory()
    session = SessionFactory(client=ClientFactory(primary_clinician=clinician))
    bearer = f"Bearer {sign_in(live_server, clinician)}"
    url = f"{live_server.url}/api/v1/sessions/{session.pk}/"

    status, headers, _ = call(url, Authorization=bearer, X_Request_ID="front-end-0001")

    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == FRONT_END
    assert header_list(headers, "Access-Control-Expose-Headers") >= DOCUMENTED_RESPONSE_HEADERS
    assert headers["X-Request-ID"] == "front-end-0001"
    status, _, body = call(
        url, "PATCH", {"duration_minutes": 45}, Authorization=bearer, If_Match=headers["ETag"]
    )
    assert status == 200, body


def test_a_cross_origin_front_end_reads_a_replayed_post_and_a_download_name(
    front_end_origin, live_server
):
    clinician = UserFactory()
    bearer = f"Bearer {sign_in(live_server, clinician)}"
    new_client = {"given_name": "Ada", "family_name": "Quill", "intake_date": "2026-01-05"}

    for _ in range(2):
        status, headers, body = call(
            f"{live_server.url}/api/v1/clients/",
            "POST",
            new_client,
            Authorization=bearer,
            Idempotency_Key="front-end-create-0001",
        )
        assert status == 201, body
    assert headers["Idempotent-Replayed"] == "true"
    assert "idempotent-replayed" in header_list(headers, "Access-Control-Expose-Headers")

    client_id = json.loads(body)["id"]
    status, headers, _ = call(
        f"{live_server.url}/api/v1/clients/{client_id}/report/?format=csv", Authorization=bearer
    )
    assert status == 200
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "content-disposition" in header_list(headers, "Access-Control-Expose-Headers")


def test_an_origin_that_is_not_configured_gets_no_cors_headers(front_end_origin, live_server):
    status, headers, _ = call(
        f"{live_server.url}/api/v1/sessions/",
        "OPTIONS",
        Origin="https://evil.example",
        Access_Control_Request_Method="PATCH",
        Access_Control_Request_Headers="authorization, if-match",
    )

    assert "Access-Control-Allow-Origin" not in headers
    assert "Access-Control-Allow-Headers" not in headers
    assert status in (200, 401, 405)
