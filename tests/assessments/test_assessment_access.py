"""Who may see and change assessments, risk flags and progress, endpoint by endpoint.

Clinical content: the client's primary clinician and care team read and write; the clinician's
supervisor reads, and every write is 403; the practice's admin, a colleague with no link to the
client, a supervisor of someone else, and anyone from another practice get 404 exactly as for an
id that does not exist, and lists leave the records out. Creating for a client you may not see is
a 400 naming `client`. Every refused write leaves the stored data as it was. Instruments are
reference data: anyone signed in reads them; nobody else does (401).
"""

import uuid

import pytest
from rest_framework.test import APIClient

from assessments.models import RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    DAY,
    INSTRUMENTS_URL,
    RISK_FLAGS,
)
from tests.factories import ClientFactory, UserFactory
from tests.helpers import assert_problem, error_fields

pytestmark = pytest.mark.django_db

NO_ACCESS = ["admin", "colleague", "other_supervisor", "outsider", "stranger"]


@pytest.fixture
def person(request):
    """The user a parametrized test acts as, by fixture name."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def victim_data(client_record, administer):
    """An administration of `client_record` with a risk flag, by its primary clinician."""
    assessment = administer(client_record, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1])
    flag = RiskFlag.objects.get(assessment_id=assessment["id"])
    return {"assessment": assessment["id"], "flag": str(flag.pk), "client": str(client_record.pk)}


@pytest.fixture
def own_data(record):
    """For an attacker who is a clinician: a client of their own, with an administration and
    a risk flag, so that their lists are not empty for some other reason."""

    def make(user):
        if user.is_admin:
            return None
        own_client = ClientFactory(primary_clinician=user)
        assessment = record(own_client, "phq9", [2] * 9, by=user)
        return {"assessment": str(assessment.pk), "flag": str(assessment.risk_flags.get().pk)}

    return make


def new_body(client_id) -> dict:
    return {
        "client": client_id,
        "instrument": "phq9",
        "administered_on": DAY.isoformat(),
        "source": "clinician",
        "responses": [0, 0, 0, 0, 0, 0, 0, 0, 3],
    }


# --- Instruments: authentication only ----------------------------------------------------------


@pytest.mark.parametrize("url", [INSTRUMENTS_URL, f"{INSTRUMENTS_URL}phq9/"])
def test_instruments_need_authentication(url):
    response = APIClient().get(url)
    assert response.status_code == 401, response.content
    assert error_fields(response) == []


@pytest.mark.parametrize(
    "person", ["clinician", "admin", "stranger", "supervisor", "colleague"], indirect=True
)
def test_anyone_signed_in_reads_the_instruments(as_user, person):
    api = as_user(person)
    response = api.get(INSTRUMENTS_URL)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == ["phq9", "gad7", "rses", "roots5"]
    assert api.get(f"{INSTRUMENTS_URL}rses/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_instruments_are_read_only(as_user, clinician, method):
    api = as_user(clinician)
    url = INSTRUMENTS_URL if method == "post" else f"{INSTRUMENTS_URL}phq9/"
    response = getattr(api, method)(url, {"code": "phq9"}, format="json")
    assert response.status_code == 405, response.content
    assert api.get(f"{INSTRUMENTS_URL}phq9/").json()["name"] == "PHQ-9"


# --- Unauthenticated ---------------------------------------------------------------------------


def test_every_clinical_endpoint_needs_authentication(victim_data, snapshot):
    anonymous = APIClient()
    before = snapshot()
    calls = [
        anonymous.get(ASSESSMENTS),
        anonymous.get(f"{ASSESSMENTS}{victim_data['assessment']}/"),
        anonymous.post(ASSESSMENTS, new_body(victim_data["client"]), format="json"),
        anonymous.post(
            f"{ASSESSMENTS}{victim_data['assessment']}/void/", {"reason": "x"}, format="json"
        ),
        anonymous.get(RISK_FLAGS),
        anonymous.get(f"{RISK_FLAGS}{victim_data['flag']}/"),
        anonymous.post(
            f"{RISK_FLAGS}{victim_data['flag']}/acknowledge/", {"note": "x"}, format="json"
        ),
        anonymous.get(f"/api/v1/clients/{victim_data['client']}/progress/"),
    ]
    for response in calls:
        assert response.status_code == 401, response.content
        assert error_fields(response) == []
    assert snapshot() == before


# --- People without access: 404, lists leave the records out ---------------------------------


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_assessment_list_leaves_the_client_out(as_user, person, victim_data, own_data):
    mine = own_data(person)
    api = as_user(person)
    for params in ({}, {"client": victim_data["client"]}, {"include_voided": "true"}):
        response = api.get(ASSESSMENTS, params)
        if person.is_admin and "include_voided" in params:  # a clinical filter: refused
            assert_problem(response, 403, "include_voided")
            continue
        assert response.status_code == 200
        listed = {row["id"] for row in response.json()["results"]}
        assert victim_data["assessment"] not in listed
    if mine:
        assert {row["id"] for row in api.get(ASSESSMENTS).json()["results"]} == {mine["assessment"]}


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_assessment_retrieve_is_404(as_user, person, victim_data):
    api = as_user(person)
    response = api.get(f"{ASSESSMENTS}{victim_data['assessment']}/")
    missing = api.get(f"{ASSESSMENTS}{uuid.uuid4()}/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert error_fields(response) == []


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_create_is_a_400_naming_client(as_user, person, victim_data, snapshot):
    before = snapshot()
    response = as_user(person).post(ASSESSMENTS, new_body(victim_data["client"]), format="json")
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["client"]
    assert snapshot() == before


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_void_is_404(as_user, person, victim_data, snapshot):
    before = snapshot()
    response = as_user(person).post(
        f"{ASSESSMENTS}{victim_data['assessment']}/void/", {"reason": "Mine now."}, format="json"
    )
    assert response.status_code == 404, response.content
    assert error_fields(response) == []
    assert snapshot() == before


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_risk_flag_list_leaves_the_client_out(as_user, person, victim_data, own_data):
    mine = own_data(person)
    api = as_user(person)
    for params in ({}, {"client": victim_data["client"]}, {"open": "true"}):
        response = api.get(RISK_FLAGS, params)
        if person.is_admin and "open" in params:  # a clinical filter: refused
            assert_problem(response, 403, "open")
            continue
        assert response.status_code == 200
        assert victim_data["flag"] not in {row["id"] for row in response.json()["results"]}
    if mine:
        assert {row["id"] for row in api.get(RISK_FLAGS).json()["results"]} == {mine["flag"]}


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_risk_flag_retrieve_and_acknowledge_are_404(
    as_user, person, victim_data, snapshot
):
    api = as_user(person)
    before = snapshot()
    response = api.get(f"{RISK_FLAGS}{victim_data['flag']}/")
    assert response.status_code == 404
    assert error_fields(response) == []
    response = api.post(
        f"{RISK_FLAGS}{victim_data['flag']}/acknowledge/", {"note": "Closing it."}, format="json"
    )
    assert response.status_code == 404, response.content
    assert error_fields(response) == []
    assert snapshot() == before


@pytest.mark.parametrize("person", NO_ACCESS, indirect=True)
def test_no_access_progress_is_404(as_user, person, victim_data):
    api = as_user(person)
    response = api.get(f"/api/v1/clients/{victim_data['client']}/progress/")
    missing = api.get(f"/api/v1/clients/{uuid.uuid4()}/progress/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert error_fields(response) == []


def test_the_admin_sees_the_client_but_none_of_its_clinical_content(as_user, admin, victim_data):
    api = as_user(admin)
    assert api.get(f"/api/v1/clients/{victim_data['client']}/").status_code == 200
    assert api.get(ASSESSMENTS).json()["results"] == []
    assert api.get(RISK_FLAGS).json()["results"] == []
    assert api.get(f"/api/v1/clients/{victim_data['client']}/progress/").status_code == 404


# --- The supervisor: reads, never writes ---------------------------------------------------------


def test_the_supervisor_reads_everything(as_user, supervisor, victim_data):
    api = as_user(supervisor)
    assert {row["id"] for row in api.get(ASSESSMENTS).json()["results"]} == {
        victim_data["assessment"]
    }
    assert api.get(f"{ASSESSMENTS}{victim_data['assessment']}/").status_code == 200
    assert {row["id"] for row in api.get(RISK_FLAGS).json()["results"]} == {victim_data["flag"]}
    assert api.get(f"{RISK_FLAGS}{victim_data['flag']}/").status_code == 200
    progress = api.get(f"/api/v1/clients/{victim_data['client']}/progress/")
    assert progress.status_code == 200
    assert [row["instrument"] for row in progress.json()["instruments"]] == ["phq9"]


def test_the_supervisor_may_not_create(as_user, supervisor, victim_data, snapshot):
    before = snapshot()
    response = as_user(supervisor).post(ASSESSMENTS, new_body(victim_data["client"]), format="json")
    assert response.status_code == 403, response.content
    assert error_fields(response) == []
    assert snapshot() == before


def test_the_supervisor_may_not_void(as_user, supervisor, victim_data, snapshot):
    before = snapshot()
    response = as_user(supervisor).post(
        f"{ASSESSMENTS}{victim_data['assessment']}/void/", {"reason": "Looks off."}, format="json"
    )
    assert response.status_code == 403, response.content
    assert error_fields(response) == []
    assert snapshot() == before


def test_the_supervisor_may_not_acknowledge(as_user, supervisor, victim_data, snapshot):
    before = snapshot()
    response = as_user(supervisor).post(
        f"{RISK_FLAGS}{victim_data['flag']}/acknowledge/", {"note": "Seen."}, format="json"
    )
    assert response.status_code == 403, response.content
    assert error_fields(response) == []
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_supervisor_gets_405_for_edits_too(as_user, supervisor, victim_data, snapshot, method):
    before = snapshot()
    response = getattr(as_user(supervisor), method)(
        f"{ASSESSMENTS}{victim_data['assessment']}/", {"responses": [0] * 9}, format="json"
    )
    assert response.status_code == 405
    assert snapshot() == before


# --- The care team: full access ----------------------------------------------------------------


def test_a_care_team_member_reads_and_writes(as_user, care_team_member, victim_data):
    api = as_user(care_team_member)
    assert {row["id"] for row in api.get(ASSESSMENTS).json()["results"]} == {
        victim_data["assessment"]
    }
    assert api.get(f"/api/v1/clients/{victim_data['client']}/progress/").status_code == 200
    body = {**new_body(victim_data["client"]), "same_day_reason": "Repeated."}
    assert api.post(ASSESSMENTS, body, format="json").status_code == 201
    assert (
        api.post(
            f"{ASSESSMENTS}{victim_data['assessment']}/void/", {"reason": "Dup."}, format="json"
        ).status_code
        == 200
    )


def test_the_supervisor_of_a_care_team_member_reads(
    as_user, practice, client_record, other_supervisor, victim_data
):
    supervisee = UserFactory(practice=practice, supervisor=other_supervisor)
    client_record.care_team.add(supervisee)
    api = as_user(other_supervisor)
    assert api.get(f"{ASSESSMENTS}{victim_data['assessment']}/").status_code == 200
    assert (
        api.post(
            f"{RISK_FLAGS}{victim_data['flag']}/acknowledge/", {"note": "x"}, format="json"
        ).status_code
        == 403
    )
