"""Shared by the client tests: the clients URL, list ids, and stored-state snapshots."""

import pytest

from clients.models import Client


def stored_client(client: Client) -> dict:
    """Everything stored about a client, read afresh from the database."""
    fresh = Client.objects.get(pk=client.pk)
    return {
        **{field.attname: getattr(fresh, field.attname) for field in Client._meta.concrete_fields},
        "care_team": sorted(str(pk) for pk in fresh.care_team.values_list("pk", flat=True)),
        "presenting_roots": list(
            fresh.presenting_roots.order_by("root").values_list(
                "root", "severity", "is_primary", "note"
            )
        ),
    }


@pytest.fixture
def client_snapshot():
    """`client_snapshot(client)`: the stored client, for before/after comparison."""
    return stored_client


CLIENTS = "/api/v1/clients/"


def url(client) -> str:
    return f"{CLIENTS}{client.pk}/"


def create_for(api, clinician):
    """POST the least client there is, with `clinician` as its primary clinician."""
    return api.post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)},
        format="json",
    )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]
