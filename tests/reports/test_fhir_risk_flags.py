"""Risk flags in the FHIR export: an open flag is an active safety Flag on the Patient; an
acknowledged one is left out, a voided administration's flag stays."""

import datetime
import json

import pytest

from assessments.services import risk_flag_acknowledge
from tests.factories import ClientFactory
from tests.reports.conftest import void
from tests.reports.fhir import codings, observation_of, resources

pytestmark = pytest.mark.django_db


RISK_FLAG_SYSTEM = "urn:rootwise:codesystem:risk-flag"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"


def test_fhir_open_risk_flag_is_an_active_safety_flag_on_the_patient(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    (flag,) = resources(bundle, "Flag")
    (raised_by,) = [a for a in history.kept if a.flags]
    assert flag["id"] == str(raised_by.risk_flags.get().pk)
    assert flag["status"] == "active"
    assert [codings(category) for category in flag["category"]] == [[(FLAG_CATEGORY, "safety")]]
    assert codings(flag["code"]) == [(RISK_FLAG_SYSTEM, "risk")]
    assert flag["code"]["text"] == (
        "PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself in some "
        "way) answered 1: several days"
    )
    assert flag["subject"] == {"reference": f"urn:uuid:{history.client.pk}", "type": "Patient"}
    assert flag["period"] == {"start": "2025-02-03"}


def test_fhir_acknowledged_risk_flag_is_left_out_and_the_answer_kept(
    history, clinician, fetch_bundle
):
    (raised_by,) = [a for a in history.kept if a.flags]
    risk_flag_acknowledge(
        flag=raised_by.risk_flags.get(), by=clinician, note="Safety plan agreed with the client."
    )

    bundle = fetch_bundle(clinician, history.client)

    assert resources(bundle, "Flag") == []
    (component,) = observation_of(bundle, raised_by)["component"]
    assert component["valueCodeableConcept"]["coding"][0]["code"] == "LA6569-3"
    assert "Safety plan agreed" not in json.dumps(bundle)


def test_fhir_risk_flag_of_a_voided_administration_stays_open_in_the_export(
    clinician, record, fetch_bundle
):
    client = ClientFactory(primary_clinician=clinician)
    assessment = void(record(client, "phq9", 5, datetime.date(2025, 3, 1), risk=True))

    bundle = fetch_bundle(clinician, client)

    assert resources(bundle, "QuestionnaireResponse") == []
    (flag,) = resources(bundle, "Flag")
    assert flag["id"] == str(assessment.risk_flags.get().pk)
    assert flag["status"] == "active"
    assert flag["period"] == {"start": "2025-03-01"}
