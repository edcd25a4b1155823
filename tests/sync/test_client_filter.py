"""`?client=` takes one id or several, comma-separated; ids of clients the caller may not see
match nothing, exactly like unknown ones; anything malformed is a 400 naming `client`."""

import uuid

import pytest

from tests.factories import ClientFactory
from tests.helpers import assert_problem
from tests.sync.conftest import listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_clients(clinician, a_list):
    """Three clients of `clinician`, each with one record on the list: by client, the record."""
    _, make = a_list
    clients = ClientFactory.create_batch(3, primary_clinician=clinician)
    return {client: make(client) for client in clients}


def test_two_ids_list_the_records_of_both(three_clients, a_list, clinician, as_user):
    url, _ = a_list
    first, second, _third = three_clients

    found = listed(as_user(clinician), url, client=f"{first.pk},{second.pk}")

    assert found == {str(three_clients[first].pk), str(three_clients[second].pk)}


def test_one_id_still_lists_that_clients_records(three_clients, a_list, clinician, as_user):
    url, _ = a_list
    first = next(iter(three_clients))

    assert listed(as_user(clinician), url, client=str(first.pk)) == {str(three_clients[first].pk)}


def test_ids_of_another_practice_or_caseload_match_nothing_like_unknown_ones(
    three_clients, a_list, clinician, outsider, colleague, as_user
):
    url, make = a_list
    first = next(iter(three_clients))
    elsewhere = make(ClientFactory(primary_clinician=outsider))
    not_mine = make(ClientFactory(primary_clinician=colleague))
    api = as_user(clinician)

    for hidden in (elsewhere.client_id, not_mine.client_id, uuid.uuid4()):
        assert listed(api, url, client=f"{first.pk},{hidden}") == {str(three_clients[first].pk)}
        assert listed(api, url, client=str(hidden)) == set()


@pytest.mark.parametrize(
    "value", ["not-a-uuid", "{id},nope", "{id},", ",{id}", "{id},,{id}", ""], ids=repr
)
def test_a_malformed_list_of_ids_is_refused_naming_client(
    value, three_clients, a_list, clinician, as_user
):
    url, _ = a_list
    first = next(iter(three_clients))

    response = as_user(clinician).get(url, {"client": value.format(id=first.pk)})

    assert_problem(response, 400, "client")


def test_repeating_the_parameter_is_refused_not_narrowed_to_the_last(
    three_clients, a_list, clinician, as_user
):
    url, _ = a_list
    first, second, _third = three_clients

    response = as_user(clinician).get(f"{url}?client={first.pk}&client={second.pk}")

    assert_problem(response, 400, "client")
