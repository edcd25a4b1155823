"""Paging through the client list: every client once, ties on the ordering, the page-size cap,
and cursors that carry no names."""

import base64
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from clients.models import Client
from tests.clients.conftest import CLIENTS, ids
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def every_page(api, first_url: str) -> list[str]:
    """Follow `next` from the first page to the last, collecting ids in order."""
    seen, next_url = [], first_url
    while next_url:
        response = api.get(next_url)
        assert response.status_code == 200, response.json()
        seen += [row["id"] for row in response.json()["results"]]
        next_url = response.json()["next"]
    return seen


def test_client_list_pages_through_every_client_once(clinician, as_user):
    clients = [ClientFactory(primary_clinician=clinician) for _ in range(7)]
    api = as_user(clinician)

    first = api.get(CLIENTS, {"page_size": 3}).json()
    seen = every_page(api, f"{CLIENTS}?page_size=3")

    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"] is not None
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(client.pk) for client in clients}
    assert seen == ids(api.get(CLIENTS))


def test_client_list_page_size_is_capped_at_200(clinician, as_user):
    Client.objects.bulk_create(
        Client(
            practice=clinician.practice,
            primary_clinician=clinician,
            given_name="Client",
            family_name=f"Number {index:03}",
            intake_date=date(2025, 1, 1),
        )
        for index in range(201)
    )

    body = as_user(clinician).get(CLIENTS, {"page_size": 1000}).json()

    assert len(body["results"]) == 200
    assert body["next"] is not None


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="default_order_same_names"),
        pytest.param({"ordering": "intake_date"}, id="same_intake_date"),
    ],
)
def test_client_list_pages_through_clients_who_tie_on_the_ordering_once(params, clinician, as_user):
    clients = [
        ClientFactory(
            primary_clinician=clinician,
            given_name="Sam",
            family_name="Taylor",
            intake_date=date(2025, 1, 1),
        )
        for _ in range(30)
    ]
    query = "&".join(f"{key}={value}" for key, value in {**params, "page_size": 4}.items())

    seen = every_page(as_user(clinician), f"{CLIENTS}?{query}")

    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == {str(client.pk) for client in clients}


def test_a_list_cursor_does_not_carry_the_clients_name(clinician, as_user):
    """Cursors hold the last row's sort value; they are encrypted, so no name reaches a URL."""
    for given in ("Ann", "Bea"):
        ClientFactory(primary_clinician=clinician, family_name="Quillfeather", given_name=given)
    api = as_user(clinician)

    first = api.get(CLIENTS, {"page_size": 1}).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))

    assert b"Quillfeather" not in decoded and "Quillfeather" not in first["next"]
    second = api.get(first["next"]).json()
    assert [c["given_name"] for c in first["results"] + second["results"]] == ["Ann", "Bea"]
