"""A client's care team and presenting roots, read inside the client's own query, come out
exactly as stored: every value, in order, on the list and on the record alike; and the client
rendering, written out for speed, is exactly what DRF's fields would give."""

import json

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from clients.models import Client
from clients.selectors import clients_for_reading
from clients.serializers import CLIENT_FIELDS, ClientSerializer
from tests.factories import ClientFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"


@pytest.fixture
def full_client(clinician, practice):
    """A client with three care-team members whose names sort against their ids, and three
    presenting roots with notes, one primary."""
    members = [
        UserFactory(practice=practice, full_name=name) for name in ("Zoë Quill", "Ada Ng", "Bo Ek")
    ]
    client = ClientFactory(primary_clinician=clinician, care_team=members)
    client.presenting_roots.create(root="social_comparison", severity=2, note="")
    client.presenting_roots.create(
        root="perfectionism",
        severity=5,
        is_primary=True,
        note="Checks emails nine times — «never enough»",
    )
    client.presenting_roots.create(
        root="past_failures", severity=1, note="Failed the bar exam twice."
    )
    return client, members


def expected(client, members) -> dict:
    by_name = sorted(members, key=lambda member: member.full_name)
    return {
        "care_team": [str(member.pk) for member in by_name],
        "presenting_roots": [
            {"root": "social_comparison", "severity": 2, "is_primary": False, "note": ""},
            {
                "root": "perfectionism",
                "severity": 5,
                "is_primary": True,
                "note": "Checks emails nine times — «never enough»",
            },
            {
                "root": "past_failures",
                "severity": 1,
                "is_primary": False,
                "note": "Failed the bar exam twice.",
            },
        ],
    }


def related(row: dict) -> dict:
    return {key: row[key] for key in ("care_team", "presenting_roots")}


def test_the_list_shows_care_team_in_name_order_and_roots_as_written(
    full_client, clinician, as_user
):
    client, members = full_client

    response = as_user(clinician).get(CLIENTS)

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert related(row) == expected(client, members)


def test_the_record_shows_the_same_as_the_list(full_client, clinician, as_user):
    client, members = full_client

    response = as_user(clinician).get(f"{CLIENTS}{client.pk}/")

    assert response.status_code == 200
    assert related(response.json()) == expected(client, members)


def test_a_client_with_no_care_team_and_no_roots_shows_empty_lists(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)

    response = as_user(clinician).get(f"{CLIENTS}{client.pk}/")

    assert related(response.json()) == {"care_team": [], "presenting_roots": []}


def test_an_admin_sees_the_care_team_and_no_roots(full_client, admin, as_user):
    client, members = full_client

    (row,) = as_user(admin).get(CLIENTS).json()["results"]

    assert row["care_team"] == expected(client, members)["care_team"]
    assert "presenting_roots" not in row


def test_a_write_answers_with_the_stored_care_team_and_roots(full_client, clinician, as_user):
    client, members = full_client
    api = as_user(clinician)
    etag = api.get(f"{CLIENTS}{client.pk}/")["ETag"]

    response = api.patch(
        f"{CLIENTS}{client.pk}/",
        {
            "care_team": [str(members[1].pk)],
            "presenting_roots": [{"root": "past_failures", "severity": 3}],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.json()
    assert related(response.json()) == {
        "care_team": [str(members[1].pk)],
        "presenting_roots": [
            {"root": "past_failures", "severity": 3, "is_primary": False, "note": ""}
        ],
    }
    assert related(api.get(f"{CLIENTS}{client.pk}/").json()) == related(response.json())


# --- the written-out rendering is DRF's ---------------------------------------------------------


@pytest.fixture
def assorted_clients(full_client, clinician):
    """Clients with every optional field empty, and with every one filled."""
    bare = ClientFactory(primary_clinician=clinician, preferred_name="", email="", phone="")
    discharged = ClientFactory(
        primary_clinician=clinician,
        preferred_name="Jo",
        date_of_birth="1990-02-28",
        email="jo@example.test",
        phone="+44 20 7946 0000",
        status="discharged",
        discharged_on="2026-03-01",
        external_id="EXT-1",
    )
    SessionFactory(client=discharged)
    return [full_client[0], bare, discharged]


@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_a_client_renders_exactly_as_drf_fields_would(role, assorted_clients, request):
    user = request.getfixturevalue(role)
    drf_request = Request(APIRequestFactory().get(CLIENTS))
    drf_request.user = user
    serializer = ClientSerializer(context={"request": drf_request})
    clients = clients_for_reading(
        Client.objects.filter(pk__in=[c.pk for c in assorted_clients]), user
    )

    for client in clients:
        written_out = serializer.to_representation(client)
        by_drf = serializers.ModelSerializer.to_representation(serializer, client)
        if user.is_admin:
            by_drf = {k: v for k, v in by_drf.items() if k not in serializer.clinical_fields}
        assert json.loads(JSONRenderer().render(written_out)) == json.loads(
            JSONRenderer().render(by_drf)
        )
        assert list(written_out) == list(by_drf)  # the same keys, in the same order


def test_every_field_of_the_schema_is_written_out():
    assert list(CLIENT_FIELDS) == ClientSerializer.Meta.fields
