"""GET /clients/{id}/report/?format=fhir: a FHIR R4B Bundle of type collection that validates
with fhir.resources, checked against the hand-built history in conftest: one Patient, an
Encounter per session, a QuestionnaireResponse and an Observation per non-void administration,
a CarePlan for the homework, references that all resolve, no note text anywhere, and a query
count that does not grow with the history. The LOINC codes are typed from LOINC's published
forms (see progress/reports/loinc.py for the sources), not read from the code under test."""

import datetime
import json
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from assessments.models import RiskFlag
from assessments.services import assessment_record, risk_flag_acknowledge
from sessions.homework.services import homework_assign
from tests.factories import ClientFactory, SessionFactory
from tests.reports.conftest import (
    ADDENDUM_SENTINEL,
    HOMEWORK_NOTE_SENTINEL,
    NOTE_SENTINEL,
    report_url,
    responses_for,
    void,
)
from tests.reports.fhir import (
    FHIR_MEDIA_TYPE,
    FREQUENCY_ANSWER,
    LOINC,
    LOINC_QUESTIONNAIRE,
    by_reference,
    codings,
    loinc_answer,
    resources,
)

pytestmark = pytest.mark.django_db


INSTRUMENT_SYSTEM = "urn:rootwise:codesystem:instrument"
ROOT_SYSTEM = "urn:rootwise:codesystem:insecurity-root"
STRATEGY_SYSTEM = "urn:rootwise:codesystem:strategy"


# From docs/instruments.md: the total-score code of each instrument.
TOTAL_SCORE_CODE = {
    "phq9": (LOINC, "44261-6"),
    "gad7": (LOINC, "70274-6"),
    "rses": (INSTRUMENT_SYSTEM, "rses"),
    "roots5": (INSTRUMENT_SYSTEM, "roots5"),
}


def references(node) -> list[str]:
    """Every `reference` string anywhere in a JSON document."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(references(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(references(value))
    return found


def answered_values(response: dict, instrument: str) -> list[int]:
    """The answer value of each question of a QuestionnaireResponse, read back through the LOINC
    tables above, or for Rootwise's questionnaires from the code (which is the value)."""
    answers = [item["answer"][0] for item in response["item"]]
    coded = [answer["valueCoding"] for answer in answers if "valueCoding" in answer]
    if instrument not in LOINC_QUESTIONNAIRE:
        return [int(coding["code"]) for coding in coded]
    by_code = [
        {loinc_answer(instrument, index, value): value for value in FREQUENCY_ANSWER}
        for index in range(len(coded))
    ]
    return [by_code[index][coding["code"]] for index, coding in enumerate(coded)]


def test_fhir_bundle_validates_and_is_chosen_by_accept_too(history, clinician, as_user):
    response = as_user(clinician).get(
        report_url(history.client), HTTP_ACCEPT="application/fhir+json"
    )

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_MEDIA_TYPE
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.type == "collection"
    assert len(bundle.entry) == len(json.loads(response.content)["entry"])


def test_fhir_bundle_has_exactly_one_patient_who_is_the_client(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    patients = resources(bundle, "Patient")
    assert len(patients) == 1
    patient = patients[0]
    assert patient["id"] == str(history.client.pk)
    assert patient["name"][0]["family"] == "Quinlan"
    assert patient["name"][0]["given"] == ["Harriet"]


def test_fhir_bundle_has_an_encounter_per_session_with_mapped_status_and_roots(
    history, clinician, care_team_member, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    encounters = {encounter["id"]: encounter for encounter in resources(bundle, "Encounter")}
    assert set(encounters) == {str(session.pk) for session in history.sessions.values()}
    status = {name: encounters[str(s.pk)]["status"] for name, s in history.sessions.items()}
    assert status == {
        "completed": "finished",
        "video": "finished",
        "cancelled": "cancelled",
        "scheduled": "planned",
    }
    completed = encounters[str(history.sessions["completed"].pk)]
    assert sorted(codings(c)[0] for c in completed["reasonCode"]) == [
        (ROOT_SYSTEM, "perfectionism"),
        (ROOT_SYSTEM, "social_comparison"),
    ]
    video = encounters[str(history.sessions["video"].pk)]
    assert [codings(c) for c in video["reasonCode"]] == [[(ROOT_SYSTEM, "past_failures")]]
    assert "reasonCode" not in encounters[str(history.sessions["cancelled"].pk)]
    # Each encounter is the client's, with the session's clinician as participant.
    resolved = by_reference(bundle)
    patient_url = f"urn:uuid:{history.client.pk}"
    for name, session in history.sessions.items():
        encounter = encounters[str(session.pk)]
        assert encounter["subject"]["reference"] == patient_url
        practitioner = resolved[encounter["participant"][0]["individual"]["reference"]]
        assert practitioner["resourceType"] == "Practitioner", name
        assert practitioner["id"] == str(session.clinician_id)
    assert {p["name"][0]["text"] for p in resources(bundle, "Practitioner")} == {
        clinician.full_name,
        care_team_member.full_name,
    }


def test_fhir_bundle_has_a_response_and_an_observation_per_non_void_administration(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    responses = {qr["id"]: qr for qr in resources(bundle, "QuestionnaireResponse")}
    observations = resources(bundle, "Observation")
    assert len(history.kept) == 9
    assert len(responses) == 9
    assert len(observations) == 9
    assert set(responses) == {str(a.pk) for a in history.kept}
    ids = {entry["resource"]["id"] for entry in bundle["entry"]}
    for voided in history.voided:
        assert str(voided.pk) not in ids
    resolved = by_reference(bundle)
    seen = Counter()
    for observation in observations:
        source = resolved[observation["derivedFrom"][0]["reference"]]
        assert source["resourceType"] == "QuestionnaireResponse"
        assessment = next(a for a in history.kept if str(a.pk) == source["id"])
        assert codings(observation["code"]) == [TOTAL_SCORE_CODE[assessment.instrument]]
        assert observation["valueQuantity"]["value"] == assessment.total_score
        assert observation["effectiveDateTime"] == assessment.administered_on.isoformat()
        assert observation["status"] == "final"
        assert observation["subject"]["reference"] == f"urn:uuid:{history.client.pk}"
        assert answered_values(source, assessment.instrument) == assessment.responses
        assert source["status"] == "completed"
        seen[assessment.instrument] += 1
    assert seen == {"phq9": 3, "gad7": 2, "rses": 2, "roots5": 2}


def test_fhir_observations_carry_the_totals_of_the_history(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    totals = sorted(
        (obs["effectiveDateTime"], codings(obs["code"])[0][1], obs["valueQuantity"]["value"])
        for obs in resources(bundle, "Observation")
    )
    assert totals == [
        ("2025-01-06", "44261-6", 18),
        ("2025-01-07", "70274-6", 12),
        ("2025-01-08", "rses", 10),
        ("2025-01-09", "roots5", 30),
        ("2025-02-03", "44261-6", 12),
        ("2025-03-03", "44261-6", 8),
        ("2025-03-04", "70274-6", 9),
        ("2025-03-05", "rses", 20),
        ("2025-03-06", "roots5", 20),
    ]


def test_fhir_care_plan_activities_are_the_homework_with_strategy_codes(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    plans = resources(bundle, "CarePlan")
    assert len(plans) == 1
    plan = plans[0]
    assert plan["subject"]["reference"] == f"urn:uuid:{history.client.pk}"
    activities = sorted(
        (
            codings(activity["detail"]["code"]),
            activity["detail"]["description"],
            activity["detail"]["status"],
            [codings(c) for c in activity["detail"].get("reasonCode", [])],
        )
        for activity in plan["activity"]
    )
    assert activities == [
        (
            [(STRATEGY_SYSTEM, "realistic_goals")],
            "One small step",
            "not-started",
            [[(ROOT_SYSTEM, "past_failures")]],
        ),
        (
            [(STRATEGY_SYSTEM, "self_reflection")],
            "Self-compassion journal",
            "completed",
            [[(ROOT_SYSTEM, "perfectionism")]],
        ),
    ]


def test_fhir_full_urls_are_unique_and_every_reference_resolves(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    found = references(bundle)
    # subjects of 4 encounters, 9 responses, 9 observations, the open flag and the plan;
    # 4 participants; 9 derivedFrom.
    assert len(found) == 4 + 9 + 9 + 1 + 1 + 4 + 9
    assert set(found) <= set(full_urls)


@pytest.mark.parametrize("params", [{}, {"include": "notes"}], ids=["default", "include-notes"])
def test_fhir_bundle_never_holds_note_text(params, history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client, format="fhir", **params))

    assert response.status_code == 200
    text = response.content.decode("utf-8")
    for sentinel in (NOTE_SENTINEL, ADDENDUM_SENTINEL, HOMEWORK_NOTE_SENTINEL):
        assert sentinel not in text


def test_fhir_bundle_of_a_client_with_no_records(clinician, fetch_bundle):
    client = ClientFactory(primary_clinician=clinician, given_name="Ada", family_name="Moss")

    bundle = fetch_bundle(clinician, client)

    assert Counter(e["resource"]["resourceType"] for e in bundle["entry"]) == {
        "Patient": 1,
        "Practitioner": 1,
    }
    assert resources(bundle, "Patient")[0]["name"][0] == {"family": "Moss", "given": ["Ada"]}
    assert resources(bundle, "Practitioner")[0]["id"] == str(clinician.pk)


def test_fhir_patient_carries_the_demographics_of_a_discharged_client(
    clinician, record, fetch_bundle
):
    client = ClientFactory(
        primary_clinician=clinician,
        given_name="Ada",
        family_name="Moss",
        date_of_birth=datetime.date(1990, 5, 17),
        email="ada.moss@example.test",
        phone="+44 20 7946 0000",
        external_id="MRN-0042",
        status="discharged",
        discharged_on=datetime.date(2025, 4, 1),
    )
    record(client, "gad7", 11, datetime.date(2025, 3, 1))
    homework_assign(by=clinician, client=client, strategy="supportive_relationships", title="Call")

    bundle = fetch_bundle(clinician, client)

    patient = resources(bundle, "Patient")[0]
    assert patient["active"] is False
    assert patient["birthDate"] == "1990-05-17"
    assert {(t["system"], t["value"]) for t in patient["telecom"]} == {
        ("email", "ada.moss@example.test"),
        ("phone", "+44 20 7946 0000"),
    }
    assert [identifier["value"] for identifier in patient["identifier"]] == ["MRN-0042"]
    assert resources(bundle, "CarePlan")[0]["status"] == "completed"


def test_fhir_export_costs_the_same_queries_however_many_sessions_flags_and_questionnaires(
    clinician, record, as_user
):
    small = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=small)  # without sessions, their prefetches are skipped
    record(small, "phq9", 4, datetime.date(2025, 1, 6))

    large = ClientFactory(primary_clinician=clinician)
    sessions = [SessionFactory(client=large) for _ in range(3)]
    for index, code in enumerate(["phq9", "gad7", "rses", "roots5"] * 3):
        assessment_record(
            by=clinician,
            client=large,
            instrument=code,
            administered_on=datetime.date(2025, 1, 6) + datetime.timedelta(index),
            responses=responses_for(code, 8, risk=code == "phq9"),
            session=sessions[index % 3],
        )
    flags = list(RiskFlag.objects.filter(client=large))
    risk_flag_acknowledge(flag=flags[0], by=clinician, note="Reviewed in session.")
    void(flags[1].assessment)
    api = as_user(clinician)

    counts = []
    for client in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(report_url(client, format="fhir"))
            assert response.status_code == 200
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1], counts
    assert len(resources(response.json(), "Flag")) == 2
