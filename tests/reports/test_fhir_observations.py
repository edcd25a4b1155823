"""Observations in the FHIR export: totals as UCUM scores with the coded severity band, PHQ-9
item 9 as a LOINC component, and administrations pointing at their session's Encounter. The
LOINC codes are typed from LOINC's published forms (see progress/reports/loinc.py for the
sources), not read from the code under test."""

import datetime
import json

import pytest

from assessments.services import assessment_record
from tests.factories import ClientFactory, SessionFactory
from tests.reports.conftest import NOTE_SENTINEL
from tests.reports.fhir import (
    FREQUENCY_ANSWER,
    LOINC,
    by_reference,
    codings,
    observation_of,
    ordinal,
    resources,
    response_of,
)

pytestmark = pytest.mark.django_db


UCUM = "http://unitsofmeasure.org"


BAND_SYSTEM = "urn:rootwise:codesystem:severity-band"


# The severity band of each history total, by docs/instruments.md: (code, display).
BAND = {
    ("phq9", 18): ("moderately_severe", "Moderately severe"),
    ("phq9", 12): ("moderate", "Moderate"),
    ("phq9", 8): ("mild", "Mild"),
    ("gad7", 12): ("moderate", "Moderate"),
    ("gad7", 9): ("mild", "Mild"),
    ("rses", 10): ("low", "Low"),
    ("rses", 20): ("normal", "Normal"),
}


def test_fhir_observation_totals_are_ucum_scores_with_the_coded_severity_band(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    for assessment in history.kept:
        observation = observation_of(bundle, assessment)
        assert observation["valueQuantity"] == {
            "value": assessment.total_score,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
        if assessment.instrument == "roots5":
            assert "interpretation" not in observation
            assert "not a validated measure" in observation["code"]["text"]
            continue
        code, display = BAND[(assessment.instrument, assessment.total_score)]
        (interpretation,) = observation["interpretation"]
        assert interpretation["coding"] == [
            {"system": BAND_SYSTEM, "code": code, "display": display}
        ]
        assert "not a validated measure" not in observation["code"]["text"]


def test_fhir_phq9_item_9_answer_is_a_loinc_44260_8_component(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    item_9_answers = {}
    for assessment in history.kept:
        observation = observation_of(bundle, assessment)
        if assessment.instrument != "phq9":
            assert "component" not in observation
            continue
        (component,) = observation["component"]
        assert codings(component["code"]) == [(LOINC, "44260-8")]
        (answer,) = component["valueCodeableConcept"]["coding"]
        assert (answer["system"], answer["code"]) == (
            LOINC,
            FREQUENCY_ANSWER[assessment.responses[8]],
        )
        assert ordinal(answer) == assessment.responses[8]
        item_9_answers[assessment.administered_on.isoformat()] = answer["code"]
    # The 3 February administration raised the risk flag: item 9 was "Several days".
    assert item_9_answers == {
        "2025-01-06": "LA6568-5",
        "2025-02-03": "LA6569-3",
        "2025-03-03": "LA6568-5",
    }


# --- Encounters ----------------------------------------------------------------------------------


def test_fhir_administration_in_a_session_points_at_that_sessions_encounter(
    clinician, fetch_bundle
):
    client = ClientFactory(primary_clinician=clinician)
    session = SessionFactory(
        client=client,
        note_sections={"data": f"Said {NOTE_SENTINEL}.", "assessment": "Low.", "plan": "Call."},
    )
    in_session = assessment_record(
        by=clinician,
        client=client,
        instrument="phq9",
        administered_on=datetime.date(2025, 3, 1),
        responses=[0, 0, 0, 0, 0, 0, 0, 0, 2],
        session=session,
    )
    outside = assessment_record(
        by=clinician,
        client=client,
        instrument="roots5",
        administered_on=datetime.date(2025, 3, 2),
        responses=[1, 2, 3, 4, 5],
    )

    bundle = fetch_bundle(clinician, client)

    resolved = by_reference(bundle)
    (flag,) = resources(bundle, "Flag")
    linked = [response_of(bundle, in_session), observation_of(bundle, in_session), flag]
    for resource in linked:
        assert resource["encounter"] == {"reference": f"urn:uuid:{session.pk}", "type": "Encounter"}
        encounter = resolved[resource["encounter"]["reference"]]
        assert encounter["resourceType"] == "Encounter"
        assert encounter["id"] == str(session.pk)
    for resource in (response_of(bundle, outside), observation_of(bundle, outside)):
        assert "encounter" not in resource
    assert NOTE_SENTINEL not in json.dumps(bundle)
