"""Where webhooks may go (api/events/ssrf.py): public addresses over https, checked again at
each delivery against what DNS answers then, the connection made to the address checked, and
no redirect followed."""

import pytest
from django.utils import timezone

from api.events import delivery, ssrf
from api.events.models import DeliveryStatus, OutboxEvent, Topic, WebhookDelivery
from tests.webhooks.conftest import PUBLIC_ADDRESS

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "10.255.255.254",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address refused, not bound)
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
]
# Not even an endpoint allowed the private network is sent there.
NEVER = ["0.0.0.0", "224.0.0.1", "::"]  # noqa: S104


@pytest.mark.parametrize("address", REFUSED)
def test_a_name_resolving_to_a_private_or_special_address_is_refused(dns, address):
    dns["hooks.example.com"] = address

    with pytest.raises(ssrf.RefusedURL, match="private, loopback"):
        ssrf.check("https://hooks.example.com/", allow_private_network=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "[::1]", "[fe80::1]"])
def test_an_address_in_the_url_is_refused_too(dns, address):
    with pytest.raises(ssrf.RefusedURL):
        ssrf.check(f"https://{address}/hook", allow_private_network=False)


@pytest.mark.parametrize("address", NEVER)
def test_allowing_the_private_network_still_refuses_no_address_and_multicast(dns, address):
    dns["hooks.example.com"] = address

    with pytest.raises(ssrf.RefusedURL):
        ssrf.check("https://hooks.example.com/", allow_private_network=True)


def test_a_public_address_is_the_one_to_connect_to(dns):
    dns["hooks.example.com"] = PUBLIC_ADDRESS

    target = ssrf.check("https://hooks.example.com:8443/in?x=1", allow_private_network=False)

    assert target == ssrf.Target("https", "hooks.example.com", 8443, "/in?x=1", PUBLIC_ADDRESS)


def test_plain_http_is_refused_unless_debug(dns, settings):
    dns["hooks.example.com"] = PUBLIC_ADDRESS
    settings.DEBUG = False
    with pytest.raises(ssrf.RefusedURL, match="https"):
        ssrf.check("http://hooks.example.com/", allow_private_network=False)

    settings.DEBUG = True
    assert ssrf.check("http://hooks.example.com/", allow_private_network=False).port == 80


@pytest.mark.django_db
def test_dns_rebinding_after_registration_is_refused_at_delivery(
    dns, receiver, endpoint_to, client_record
):
    """The name answered a public address when registered; at delivery it answers loopback,
    where a receiver listens: nothing is sent to it."""
    port = receiver.server.server_port
    dns["hooks.example.com"] = PUBLIC_ADDRESS
    ssrf.check(f"http://hooks.example.com:{port}/", allow_private_network=False)
    endpoint = endpoint_to(f"http://hooks.example.com:{port}/", allow_private_network=False)
    dns["hooks.example.com"] = "127.0.0.1"

    row = pending_delivery(endpoint, client_record)
    status = delivery.deliver(row.practice_id, row.pk)

    assert status == DeliveryStatus.PENDING
    assert receiver.requests == []
    row.refresh_from_db()
    assert row.last_error.startswith("Refused: ")
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_a_redirect_is_a_failed_delivery_and_is_not_followed(receiver, endpoint_to, client_record):
    receiver.statuses = [302]
    endpoint = endpoint_to(receiver.url)

    row = pending_delivery(endpoint, client_record)
    delivery.deliver(row.practice_id, row.pk)

    assert len(receiver.requests) == 1  # the redirect's target is the receiver too: not asked
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING
    assert row.last_status_code == 302
    assert row.last_error == "HTTP 302"


def pending_delivery(endpoint, client_record) -> WebhookDelivery:
    event = OutboxEvent.objects.create(
        practice_id=client_record.practice_id,
        topic=Topic.CLIENT_DISCHARGED,
        client_id=client_record.pk,
        object_type="client",
        object_id=client_record.pk,
    )
    now = timezone.now()
    return WebhookDelivery.objects.create(
        practice_id=endpoint.practice_id,
        endpoint=endpoint,
        event=event,
        next_attempt_at=now,
        retrying_since=now,
    )
