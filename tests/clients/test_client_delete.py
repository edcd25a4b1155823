"""Deleting a client: refused while the client has sessions, complete when there are none."""

import pytest

from clients.models import Client, PresentingRoot
from tests.clients.conftest import url

pytestmark = pytest.mark.django_db


def test_client_delete_with_sessions_is_409_and_keeps_the_client(session_record, as_user):
    client = session_record.client

    response = as_user(client.primary_clinician).delete(url(client))

    assert response.status_code == 409
    assert response.json()["type"] == "urn:rootwise:problem:conflict"
    assert Client.objects.filter(pk=client.pk).exists()
    assert client.sessions.get() == session_record


def test_client_delete_without_records_is_204_and_removes_it(client_record, as_user):
    response = as_user(client_record.primary_clinician).delete(url(client_record))

    assert response.status_code == 204
    assert not Client.objects.filter(pk=client_record.pk).exists()
    assert not PresentingRoot.objects.filter(client_id=client_record.pk).exists()
