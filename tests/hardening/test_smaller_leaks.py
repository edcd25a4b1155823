"""Smaller leaks: a refusal naming a client the caller cannot see, and a refusal telling
an admin what clinical records exist. Homework text at rest: tests/homework/test_text_at_rest.py."""

import pytest

from clients.models import Client
from tests.factories import ClientFactory
from tests.hardening.conftest import API, as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

TAKEN = "MRN-0042"


# --- external_id: uniqueness does not reveal another clinician's client -------------------------


@pytest.fixture
def colleagues_client(colleague):
    """A client of a colleague, holding the external id TAKEN; `clinician` cannot see them."""
    return ClientFactory(primary_clinician=colleague, external_id=TAKEN)


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_external_id_held_by_a_client_you_cannot_see_reveals_no_client(
    method, colleagues_client, client_record, clinician
):
    api = as_caller(clinician)
    if method == "post":
        body = {"given_name": "A", "family_name": "B", "external_id": TAKEN}
        response = api.post(f"{API}clients/", body, format="json")
    else:
        url = f"{API}clients/{client_record.pk}/"
        response = api.patch(url, {"external_id": TAKEN}, format="json")

    problem = assert_problem(response, 409, "external_id")
    message = problem["errors"][0]["message"]
    assert message == "This id cannot be used; choose another."
    assert "client" not in response.content.decode().lower()
    assert Client.objects.filter(external_id=TAKEN).get() == colleagues_client


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_an_external_id_held_by_a_client_you_can_see_is_said_plainly(who, client_record, request):
    ClientFactory(primary_clinician=client_record.primary_clinician, external_id=TAKEN)

    response = as_caller(request.getfixturevalue(who)).patch(
        f"{API}clients/{client_record.pk}/", {"external_id": TAKEN}, format="json"
    )

    problem = assert_problem(response, 409, "external_id")
    assert problem["errors"][0]["message"] == "Another client of the practice has this id."


# --- An admin's DELETE does not say that clinical records exist ---------------------------------


@pytest.mark.parametrize("record", ["session_record", "homework_record", "assessment"])
def test_an_admin_deleting_a_client_with_clinical_records_learns_nothing_clinical(
    record, admin, client_record, request
):
    request.getfixturevalue(record)

    response = as_caller(admin).delete(f"{API}clients/{client_record.pk}/")

    problem = assert_problem(response, 409)
    assert problem["detail"] == "This client cannot be deleted; discharge them instead."
    text = response.content.decode().lower()
    for clinical in ("clinical", "record", "session", "homework", "assessment"):
        assert clinical not in text
    assert Client.objects.filter(pk=client_record.pk).exists()
