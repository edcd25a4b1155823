"""The FHIR export's version: the bundle names FHIR 4.3 in its profile, and content negotiation
chooses it by Accept with or without the version, refusing or falling back from another."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.helpers import assert_problem
from tests.reports.conftest import report_url
from tests.reports.fhir import FHIR_MEDIA_TYPE

pytestmark = pytest.mark.django_db


BUNDLE_PROFILE = "http://hl7.org/fhir/StructureDefinition/Bundle|4.3.0"


def test_fhir_bundle_names_its_fhir_version_in_its_profile(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    assert bundle["meta"] == {"profile": [BUNDLE_PROFILE]}


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+json; fhirVersion=4.3",
        "application/fhir+json;fhirVersion=4.3",
        "application/fhir+json",
        "application/fhir+json; fhirVersion=4.0, application/fhir+json; fhirVersion=4.3",
    ],
)
def test_fhir_is_chosen_by_accept_with_or_without_its_version(
    accept, client_record, clinician, as_user
):
    response = as_user(clinician).get(report_url(client_record), HTTP_ACCEPT=accept)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_MEDIA_TYPE
    assert Bundle.model_validate_json(response.content).type == "collection"


@pytest.mark.parametrize(
    "accept", ["application/fhir+json; fhirVersion=4.0", "application/fhir+json; fhirVersion=5.0"]
)
def test_fhir_in_another_version_is_406_naming_the_version_written(
    accept, client_record, clinician, as_user
):
    response = as_user(clinician).get(report_url(client_record), HTTP_ACCEPT=accept)

    problem = assert_problem(response, 406)
    assert f"{FHIR_MEDIA_TYPE} (?format=fhir)" in problem["detail"]


def test_fhir_in_another_version_falls_back_to_the_next_acceptable_format(
    client_record, clinician, as_user
):
    response = as_user(clinician).get(
        report_url(client_record), HTTP_ACCEPT="application/fhir+json; fhirVersion=4.0, text/csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
