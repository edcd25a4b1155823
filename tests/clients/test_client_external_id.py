"""A client's external id: unique within a practice (a conflict otherwise), free across practices,
and optional."""

import pytest
from django.db import transaction
from django.db.utils import IntegrityError

from clients.models import Client
from tests.clients.conftest import CLIENTS, ids, url
from tests.factories import ClientFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


def test_external_id_is_unique_in_a_practice_in_the_database(client_record):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-1")
    duplicate = ClientFactory.build(
        primary_clinician=client_record.primary_clinician, external_id="MRN-1"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_client_external_id_taken_in_the_practice_is_a_conflict_on_create(client_record, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(client_record.primary_clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "external_id": "MRN-7"}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["external_id"]
    assert Client.objects.count() == 1


def test_client_external_id_taken_in_the_practice_is_a_conflict_on_update(
    client_record, as_user, client_snapshot
):
    ClientFactory(primary_clinician=client_record.primary_clinician, external_id="MRN-7")
    before = client_snapshot(client_record)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"external_id": "MRN-7", "given_name": "Changed"}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["external_id"]
    assert client_snapshot(client_record) == before


def test_client_keeping_its_own_external_id_is_fine(client_record, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"external_id": "MRN-7", "phone": "555-0100"}, format="json"
    )

    assert response.status_code == 200, response.json()


def test_client_external_id_of_another_practice_is_free_to_use(client_record, outsider, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(outsider).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "external_id": "MRN-7"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Client.objects.filter(external_id="MRN-7").count() == 2


def test_client_without_external_id_may_be_many(clinician, as_user):
    api = as_user(clinician)
    for name in ("One", "Two"):
        response = api.post(
            CLIENTS, {"given_name": name, "family_name": "B", "external_id": ""}, format="json"
        )
        assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ada", ["ada", "adam"]),
        ("LOVEL", ["ada"]),
        ("ada love", ["ada"]),
        ("countess", ["ada"]),
        ("hop", ["grace"]),
        ("mrn-42", ["ada"]),
        ("MRN-4", []),
        ("nobody", []),
    ],
)
def test_client_list_searches_names_and_external_id(search, expected, clinician, as_user):
    clients = {
        "ada": ClientFactory(
            primary_clinician=clinician,
            given_name="Ada",
            family_name="Lovelace",
            preferred_name="Countess",
            external_id="MRN-42",
        ),
        "grace": ClientFactory(
            primary_clinician=clinician, given_name="Grace", family_name="Hopper"
        ),
        "adam": ClientFactory(primary_clinician=clinician, given_name="Adam", family_name="Smith"),
    }

    found = ids(as_user(clinician).get(CLIENTS, {"search": search}))

    assert sorted(found) == sorted(str(clients[name].pk) for name in expected)
