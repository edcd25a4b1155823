"""Webhook endpoints (api/events): admins register, change, rotate and delete them; the
signing secret is shown once and stored encrypted; nobody else reaches them."""

import pytest
from django.db import connection
from standardwebhooks import Webhook

from api.audit.models import AuditEvent
from api.events.models import WebhookEndpoint
from tests.helpers import as_each, assert_problem
from tests.webhooks.conftest import PUBLIC_ADDRESS

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/rootwise"
ENDPOINTS = "/api/v1/webhook-endpoints/"


@pytest.fixture
def public_dns(dns):
    dns["hooks.example.com"] = PUBLIC_ADDRESS
    return dns


@pytest.fixture
def registered(admin, as_user, public_dns) -> dict:
    response = as_user(admin).post(
        ENDPOINTS, {"url": URL, "topics": ["risk_flag.raised"]}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(registered, admin, as_user):
    assert registered["url"] == URL
    assert registered["topics"] == ["risk_flag.raised"]
    assert registered["enabled"] is True
    assert registered["allow_private_network"] is False
    assert registered["secret"].startswith("whsec_")
    Webhook(registered["secret"])  # a secret the Standard Webhooks library accepts

    read = as_user(admin).get(f"{ENDPOINTS}{registered['id']}/").json()
    listed = as_user(admin).get(ENDPOINTS).json()["results"]
    assert "secret" not in read
    assert [item["id"] for item in listed] == [registered["id"]]
    assert "secret" not in listed[0]


def test_the_secret_is_stored_encrypted(registered):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM events_webhookendpoint")
        (stored,) = cursor.fetchone()
    assert registered["secret"] not in stored
    assert WebhookEndpoint.objects.get().secret == registered["secret"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": URL, "topics": []}, "topics"),
        ({"url": URL, "topics": ["client.created"]}, "topics.0"),
        ({"url": URL}, "topics"),
        ({"url": "http://hooks.example.com/", "topics": ["risk_flag.raised"]}, "url"),
        ({"url": "ftp://hooks.example.com/", "topics": ["risk_flag.raised"]}, "url"),
        ({"url": "https://127.0.0.1/", "topics": ["risk_flag.raised"]}, "url"),
        ({"url": "https://10.1.2.3/", "topics": ["risk_flag.raised"]}, "url"),
        ({"url": "https://nowhere.example.com/", "topics": ["risk_flag.raised"]}, "url"),
        ({"url": "https://user:pw@hooks.example.com/", "topics": ["risk_flag.raised"]}, "url"),
    ],
)
def test_a_bad_endpoint_is_refused_and_nothing_is_stored(admin, as_user, public_dns, body, field):
    response = as_user(admin).post(ENDPOINTS, body, format="json")

    assert_problem(response, 400, field)
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_accepted_when_the_admin_allows_the_private_network(
    admin, as_user, dns
):
    dns["hooks.clinic.internal"] = "10.20.30.40"
    response = as_user(admin).post(
        ENDPOINTS,
        {
            "url": "https://hooks.clinic.internal/",
            "topics": ["session.signed"],
            "allow_private_network": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["allow_private_network"] is True


def test_an_admin_changes_topics_and_disables_then_enables_again(registered, admin, as_user):
    path = f"{ENDPOINTS}{registered['id']}/"
    WebhookEndpoint.objects.update(disabled_reason="Failing.")

    changed = as_user(admin).patch(
        path, {"topics": ["session.signed", "session.signed", "homework.completed"]}, format="json"
    )
    disabled = as_user(admin).patch(path, {"enabled": False}, format="json")
    enabled = as_user(admin).patch(path, {"enabled": True}, format="json")

    assert changed.json()["topics"] == ["session.signed", "homework.completed"]
    assert disabled.json()["enabled"] is False
    assert enabled.json()["enabled"] is True
    assert enabled.json()["disabled_reason"] == ""


def test_changing_the_url_to_a_refused_one_changes_nothing(registered, admin, as_user):
    response = as_user(admin).patch(
        f"{ENDPOINTS}{registered['id']}/", {"url": "https://169.254.169.254/"}, format="json"
    )

    assert_problem(response, 400, "url")
    assert WebhookEndpoint.objects.get().url == URL


def test_rotating_shows_a_new_secret_once_and_the_old_one_still_signs(registered, admin, as_user):
    assert registered["secret_rotation_ends_at"] is None  # one secret signs until a rotation
    response = as_user(admin).post(f"{ENDPOINTS}{registered['id']}/rotate-secret/")

    assert response.status_code == 200, response.content
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != registered["secret"]
    assert rotated["secret_rotation_ends_at"] is not None
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == rotated["secret"]
    assert endpoint.previous_secret == registered["secret"]


def test_an_admin_deletes_an_endpoint(registered, admin, as_user):
    response = as_user(admin).delete(f"{ENDPOINTS}{registered['id']}/")

    assert response.status_code == 204
    assert not WebhookEndpoint.objects.exists()


@as_each("clinician", "supervisor")
def test_staff_who_are_not_admins_are_refused(registered, person, as_user):
    path = f"{ENDPOINTS}{registered['id']}/"
    client = as_user(person)

    assert client.get(ENDPOINTS).status_code == 403
    assert client.get(path).status_code == 403
    assert client.post(ENDPOINTS, {"url": URL, "topics": ["session.signed"]}).status_code == 403
    assert client.patch(path, {"enabled": False}, format="json").status_code == 403
    assert client.post(f"{path}rotate-secret/").status_code == 403
    assert client.get(f"{path}deliveries/").status_code == 403
    assert client.delete(path).status_code == 403
    assert WebhookEndpoint.objects.get().enabled is True


def test_another_practices_admin_finds_nothing(registered, stranger, as_user):
    path = f"{ENDPOINTS}{registered['id']}/"
    client = as_user(stranger)

    assert client.get(ENDPOINTS).json()["results"] == []
    assert_problem(client.get(path), 404)
    assert_problem(client.patch(path, {"enabled": False}, format="json"), 404)
    assert_problem(client.post(f"{path}rotate-secret/"), 404)
    assert_problem(client.get(f"{path}deliveries/"), 404)
    assert_problem(client.post(f"{path}replay/", {"since": "2020-01-01T00:00:00Z"}), 404)
    assert_problem(client.delete(path), 404)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.enabled is True
    assert endpoint.secret == registered["secret"]


def test_anonymous_callers_are_refused(registered, api_client):
    assert api_client.get(ENDPOINTS).status_code == 401


def test_changes_to_endpoints_are_audited_without_the_secret(admin, as_user, dns):
    dns["hooks.example.org"] = PUBLIC_ADDRESS
    api = as_user(admin)
    created = api.post(
        "/api/v1/webhook-endpoints/",
        {"url": "https://hooks.example.org/rootwise", "topics": ["risk_flag.raised"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    endpoint = created.json()["id"]

    changed = api.patch(f"/api/v1/webhook-endpoints/{endpoint}/", {"enabled": False}, format="json")
    assert changed.status_code == 200
    assert api.delete(f"/api/v1/webhook-endpoints/{endpoint}/").status_code == 204

    trail = AuditEvent.objects.filter(object_type="webhook_endpoint").order_by("at")
    assert [(e.action, e.actor_id, e.status_code) for e in trail] == [
        ("create", admin.pk, 201),
        ("update", admin.pk, 200),
        ("delete", admin.pk, 204),
    ]
    assert all(e.object_id == endpoint for e in trail[1:])
    assert created.json()["secret"] not in "".join(e.path for e in trail)
