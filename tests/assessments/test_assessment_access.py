"""Who may see and change assessments, risk flags and progress, endpoint by endpoint.

Clinical content: the client's primary clinician and care team read and write; the clinician's
supervisor reads, and every write is 403; the practice's admin, a colleague with no link to the
client, a supervisor of someone else, and anyone from another practice get 404 exactly as for an
id that does not exist, and lists leave the records out. Creating for a client you may not see is
a 400 naming `client`. Every refused write leaves the stored data as it was. Instruments are
reference data: anyone signed in reads them; nobody else does (401).
"""

import datetime

import pytest
from rest_framework.test import APIClient

from assessments.models import Assessment, RiskFlag
from tests.access import (
    CLINICAL_READERS,
    NO_CLINICAL_ACCESS,
    Create,
    CreateAccess,
    ListAccess,
    ReadAccess,
    Write,
    WriteAccess,
)
from tests.assessments.conftest import ASSESSMENTS, DAY, INSTRUMENTS_URL, RISK_FLAGS
from tests.factories import AssessmentFactory, ClientFactory, UserFactory
from tests.helpers import as_each, assert_problem, error_fields

pytestmark = pytest.mark.django_db

ASSESSMENT = "/api/v1/assessments/{id}/"
RISK_FLAG = "/api/v1/risk-flags/{flag}/"
PROGRESS = "/api/v1/clients/{client}/progress/"
# A PHQ-9 whose item 9 is above 0: it raises a risk flag.
WITH_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 1]


def new_body(client_id) -> dict:
    """A PHQ-9 the day after the record's, so that it needs no same-day reason."""
    return {
        "client": str(client_id),
        "instrument": "phq9",
        "administered_on": (DAY + datetime.timedelta(days=1)).isoformat(),
        "source": "clinician",
        "responses": [0, 0, 0, 0, 0, 0, 0, 0, 3],
    }


def keys_of(assessment: Assessment) -> dict:
    return {
        "id": str(assessment.pk),
        "flag": str(assessment.risk_flags.get().pk),
        "client": str(assessment.client_id),
    }


class TestAssessmentAccess(ListAccess, ReadAccess, WriteAccess, CreateAccess):
    """Assessments, their risk flags and the client's progress."""

    models = (Assessment, RiskFlag)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {
        ASSESSMENTS: "id",
        f"{ASSESSMENTS}?client={{client}}": "id",
        RISK_FLAGS: "flag",
        f"{RISK_FLAGS}?client={{client}}": "flag",
    }
    reads = {"assessment": ASSESSMENT, "risk flag": RISK_FLAG, "progress": PROGRESS}
    writes = {
        "void": Write("post", f"{ASSESSMENT}void/", {"reason": "Mine now."}),
        "acknowledge": Write("post", f"{RISK_FLAG}acknowledge/", {"note": "Closing it."}),
    }
    create = Create(ASSESSMENTS, new_body)
    may_write = {
        "clinician": {"void", "acknowledge", "create"},
        "care_team_member": {"void", "acknowledge", "create"},
    }

    @pytest.fixture
    def record(self, client_record, care_team_member):
        """A PHQ-9 of `client_record` with a risk flag, by its primary clinician."""
        return AssessmentFactory(client=client_record, responses=WITH_RISK, administered_on=DAY)

    def keys(self, record):
        return keys_of(record)

    def own_keys(self, person):
        if person.is_admin:
            return None
        own = AssessmentFactory(
            client=ClientFactory(primary_clinician=person), recorded_by=person, responses=[2] * 9
        )
        return keys_of(own)


@pytest.fixture
def victim_data(client_record):
    """The ids of `TestAssessmentAccess`'s record: an assessment, its flag, its client."""
    return keys_of(AssessmentFactory(client=client_record, responses=WITH_RISK))


# --- What the declaration does not say. Instruments: authentication only ----------------------


@pytest.mark.parametrize("url", [INSTRUMENTS_URL, f"{INSTRUMENTS_URL}phq9/"])
def test_instruments_need_authentication(url):
    response = APIClient().get(url)
    assert response.status_code == 401, response.content
    assert error_fields(response) == []


@as_each("clinician", "admin", "stranger", "supervisor", "colleague")
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


def test_the_admin_sees_the_client_but_none_of_its_clinical_content(as_user, admin, victim_data):
    api = as_user(admin)
    assert api.get(f"/api/v1/clients/{victim_data['client']}/").status_code == 200
    assert api.get(ASSESSMENTS).json()["results"] == []
    assert api.get(RISK_FLAGS).json()["results"] == []
    assert api.get(f"/api/v1/clients/{victim_data['client']}/progress/").status_code == 404


@as_each(*NO_CLINICAL_ACCESS)
def test_clinical_filters_leave_the_record_out_and_are_refused_to_admins(
    as_user, person, victim_data
):
    api = as_user(person)
    for url, key, params in (
        (ASSESSMENTS, "id", {"include_voided": "true"}),
        (RISK_FLAGS, "flag", {"open": "true"}),
    ):
        response = api.get(url, params)

        if person.is_admin:
            assert_problem(response, 403, *params)
        else:
            assert response.status_code == 200
            assert victim_data[key] not in {row["id"] for row in response.json()["results"]}


# --- The supervisor: reads, never writes ---------------------------------------------------------


def test_the_supervisor_reads_everything(as_user, supervisor, victim_data):
    api = as_user(supervisor)
    assert {row["id"] for row in api.get(ASSESSMENTS).json()["results"]} == {victim_data["id"]}
    assert api.get(f"{ASSESSMENTS}{victim_data['id']}/").status_code == 200
    assert {row["id"] for row in api.get(RISK_FLAGS).json()["results"]} == {victim_data["flag"]}
    assert api.get(f"{RISK_FLAGS}{victim_data['flag']}/").status_code == 200
    progress = api.get(f"/api/v1/clients/{victim_data['client']}/progress/")
    assert progress.status_code == 200
    assert [row["instrument"] for row in progress.json()["instruments"]] == ["phq9"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_supervisor_gets_405_for_edits_too(as_user, supervisor, victim_data, snapshot, method):
    before = snapshot()
    response = getattr(as_user(supervisor), method)(
        f"{ASSESSMENTS}{victim_data['id']}/", {"responses": [0] * 9}, format="json"
    )
    assert response.status_code == 405
    assert snapshot() == before


def test_the_supervisor_of_a_care_team_member_reads(
    as_user, practice, client_record, other_supervisor, victim_data
):
    supervisee = UserFactory(practice=practice, supervisor=other_supervisor)
    client_record.care_team.add(
        supervisee, through_defaults={"practice_id": client_record.practice_id}
    )
    api = as_user(other_supervisor)
    assert api.get(f"{ASSESSMENTS}{victim_data['id']}/").status_code == 200
    assert (
        api.post(
            f"{RISK_FLAGS}{victim_data['flag']}/acknowledge/", {"note": "x"}, format="json"
        ).status_code
        == 403
    )
