"""A delivery waits on its receiver holding nothing in Rootwise's database
(api/events/delivery.py): no transaction, so no row lock, is open while the POST is on its way,
and an attempt recorded by someone else meanwhile is not overwritten."""

import pytest
from django.db import connection

from api.events import delivery, http
from api.events.models import DeliveryStatus, WebhookDelivery
from api.tenancy import all_practices
from tests.webhooks.test_ssrf import pending_delivery

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_transaction_is_open_while_the_receiver_is_asked(
    monkeypatch, receiver, endpoint_to, client_record
):
    row = pending_delivery(endpoint_to(receiver.url), client_record)
    in_transaction_during_post = []
    real_post = http.post

    def post(*args, **kwargs):
        in_transaction_during_post.append(connection.in_atomic_block)
        return real_post(*args, **kwargs)

    monkeypatch.setattr(http, "post", post)

    assert delivery.deliver(row.practice_id, row.pk) == DeliveryStatus.SUCCEEDED
    assert in_transaction_during_post == [False]
    assert len(receiver.requests) == 1
    row.refresh_from_db()
    assert (row.attempts, row.last_status_code) == (1, 204)


def test_an_attempt_recorded_meanwhile_is_kept(monkeypatch, receiver, endpoint_to, client_record):
    """A replay (or a second worker after a lease ran out) delivered while this attempt's
    receiver answered 500: the success stands, and this failure is not recorded over it."""
    receiver.statuses = [500]
    row = pending_delivery(endpoint_to(receiver.url), client_record)
    real_post = http.post

    def post(*args, **kwargs):
        status_code = real_post(*args, **kwargs)
        with all_practices():
            WebhookDelivery.objects.filter(pk=row.pk).update(
                attempts=1, status=DeliveryStatus.SUCCEEDED, last_status_code=200
            )
        return status_code

    monkeypatch.setattr(http, "post", post)

    assert delivery.deliver(row.practice_id, row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert row.last_error == ""
