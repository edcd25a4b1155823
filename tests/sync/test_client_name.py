"""Every record of the lists a day view renders names its client (`client_name`): preferred
name, or else given name, then family name, read in the page's one query."""

import pytest

from tests.factories import ClientFactory
from tests.sync.conftest import rows

pytestmark = pytest.mark.django_db


def test_a_record_names_its_client_by_preferred_name(a_list, clinician, as_user):
    url, make = a_list
    client = ClientFactory(
        primary_clinician=clinician, given_name="Jonathan", preferred_name="Jon", family_name="Ng"
    )
    record = make(client)

    (row,) = rows(as_user(clinician).get(url))

    assert row["id"] == str(record.pk)
    assert row["client"] == str(client.pk)
    assert row["client_name"] == "Jon Ng"


def test_without_a_preferred_name_the_given_name_is_used(a_list, clinician, as_user):
    url, make = a_list
    make(ClientFactory(primary_clinician=clinician, given_name="Maria", family_name="Okafor"))

    (row,) = rows(as_user(clinician).get(url))

    assert row["client_name"] == "Maria Okafor"


def test_a_renamed_client_is_named_anew_on_its_records(a_list, clinician, as_user):
    url, make = a_list
    client = ClientFactory(primary_clinician=clinician, given_name="Sam", family_name="Reyes")
    make(client)
    api = as_user(clinician)
    renamed = api.patch(f"/api/v1/clients/{client.pk}/", {"preferred_name": "Sammy"}, format="json")
    assert renamed.status_code == 200, renamed.content

    (row,) = rows(api.get(url))

    assert row["client_name"] == "Sammy Reyes"


def test_a_record_read_alone_names_its_client(a_list, clinician, as_user):
    url, make = a_list
    record = make(ClientFactory(primary_clinician=clinician, given_name="Ada", family_name="Li"))

    response = as_user(clinician).get(f"{url}{record.pk}/")

    assert response.status_code == 200
    assert response.json()["client_name"] == "Ada Li"


@pytest.mark.parametrize("count", [1, 25])
def test_a_page_of_records_of_many_clients_is_one_query(
    a_list, count, clinician, as_user, django_assert_num_queries
):
    url, make = a_list
    for _ in range(count):
        make(ClientFactory(primary_clinician=clinician))
    api = as_user(clinician)

    with django_assert_num_queries(2):  # the page with its clients; the audit events' insert
        response = api.get(url)

    assert len({row["client_name"] for row in rows(response)}) >= 1
    assert len(rows(response)) == count
