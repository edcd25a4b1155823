"""GET /clients/{id}/report/?format=fhir: a FHIR R4B Bundle of type collection that validates
with fhir.resources, checked against the hand-built history in conftest: one Patient, the
Practitioners, an Encounter per session, a QuestionnaireResponse and an Observation per
non-void administration, a Questionnaire for each Rootwise-defined instrument answered, a Flag
per open risk flag, a CarePlan for the homework, references that all resolve, and no note text
anywhere. The LOINC codes below are typed from LOINC's published forms (see
progress/reports/loinc.py for the sources), not read from the code under test."""

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
from tests.helpers import assert_problem
from tests.reports.conftest import (
    ADDENDUM_SENTINEL,
    HOMEWORK_NOTE_SENTINEL,
    NOTE_SENTINEL,
    report_url,
    responses_for,
    void,
)

pytestmark = pytest.mark.django_db

FHIR_MEDIA_TYPE = "application/fhir+json; fhirVersion=4.3"
BUNDLE_PROFILE = "http://hl7.org/fhir/StructureDefinition/Bundle|4.3.0"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
INSTRUMENT_SYSTEM = "urn:rootwise:codesystem:instrument"
ROOT_SYSTEM = "urn:rootwise:codesystem:insecurity-root"
STRATEGY_SYSTEM = "urn:rootwise:codesystem:strategy"
BAND_SYSTEM = "urn:rootwise:codesystem:severity-band"
RISK_FLAG_SYSTEM = "urn:rootwise:codesystem:risk-flag"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"

# From docs/instruments.md: the total-score code of each instrument.
TOTAL_SCORE_CODE = {
    "phq9": (LOINC, "44261-6"),
    "gad7": (LOINC, "70274-6"),
    "rses": (INSTRUMENT_SYSTEM, "rses"),
    "roots5": (INSTRUMENT_SYSTEM, "roots5"),
}

# LOINC's questionnaires: canonical, item linkIds in item order, total-score linkId.
LOINC_QUESTIONNAIRE = {
    "phq9": (
        "http://loinc.org/q/44249-1",
        ["14363", "14364", "14365", "14366", "14367", "14368", "14369", "14370", "14371"],
        "14372",
    ),
    "gad7": (
        "http://loinc.org/q/69737-5",
        ["57541", "57542", "57543", "57544", "57545", "57546", "57547"],
        "58628",
    ),
}
# LOINC answer codes by answer value; GAD-7 item 2 (68509-9) has its own answer list.
FREQUENCY_ANSWER = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}
GAD7_ITEM_2_ANSWER = {**FREQUENCY_ANSWER, 2: "LA18938-3"}

# Rootwise's own questionnaires, for the instruments without a LOINC form.
ROOTWISE_QUESTIONNAIRE = {
    "rses": "urn:rootwise:questionnaire:rses",
    "roots5": "urn:rootwise:questionnaire:roots5",
}

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


@pytest.fixture
def fetch_bundle(as_user):
    """`fetch_bundle(user, client, **params)`: the FHIR export as a dict, after checking the
    response is a 200 in the FHIR R4B media type that validates as an R4B Bundle."""

    def fetch(user, client, **params) -> dict:
        response = as_user(user).get(report_url(client, format="fhir", **params))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == FHIR_MEDIA_TYPE
        document = json.loads(response.content)
        bundle = Bundle.model_validate(document)
        assert bundle.type == "collection"
        assert Bundle.model_validate_json(response.content).type == "collection"
        return document

    return fetch


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


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


def codings(concept: dict) -> list[tuple[str, str]]:
    return [(coding["system"], coding["code"]) for coding in concept["coding"]]


def by_reference(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def loinc_answer(instrument: str, index: int, value: int) -> str:
    """The LOINC answer code for `value` to item `index` (0-based) of PHQ-9 or GAD-7."""
    table = GAD7_ITEM_2_ANSWER if (instrument, index) == ("gad7", 1) else FREQUENCY_ANSWER
    return table[value]


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


def ordinal(coding: dict) -> float:
    (extension,) = coding["extension"]
    assert extension["url"] == ORDINAL_VALUE
    return extension["valueDecimal"]


def response_of(bundle: dict, assessment) -> dict:
    (response,) = [
        qr for qr in resources(bundle, "QuestionnaireResponse") if qr["id"] == str(assessment.pk)
    ]
    return response


def observation_of(bundle: dict, assessment) -> dict:
    (observation,) = [
        obs
        for obs in resources(bundle, "Observation")
        if obs["derivedFrom"][0]["reference"] == f"urn:uuid:{assessment.pk}"
    ]
    return observation


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


# --- The FHIR version -----------------------------------------------------------------------


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


# --- Questionnaire responses ----------------------------------------------------------------


def test_fhir_phq9_and_gad7_responses_use_the_linkids_and_answer_codes_of_loinc_questionnaires(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    checked = Counter()
    for assessment in history.kept:
        if assessment.instrument not in LOINC_QUESTIONNAIRE:
            continue
        canonical, link_ids, total_link_id = LOINC_QUESTIONNAIRE[assessment.instrument]
        response = response_of(bundle, assessment)
        assert response["questionnaire"] == canonical
        assert [item["linkId"] for item in response["item"]] == [*link_ids, total_link_id]
        answers = [item["answer"][0]["valueCoding"] for item in response["item"][:-1]]
        assert [(a["system"], a["code"]) for a in answers] == [
            (LOINC, loinc_answer(assessment.instrument, index, value))
            for index, value in enumerate(assessment.responses)
        ]
        assert [ordinal(a) for a in answers] == assessment.responses
        assert response["item"][-1]["answer"] == [{"valueDecimal": assessment.total_score}]
        checked[assessment.instrument] += 1
    assert checked == {"phq9": 3, "gad7": 2}


def test_fhir_loinc_answers_carry_loincs_display_text(history, clinician, fetch_bundle):
    bundle = fetch_bundle(clinician, history.client)

    shown = {
        (answer["code"], answer["display"])
        for response in resources(bundle, "QuestionnaireResponse")
        for item in response["item"]
        for answer in [item["answer"][0].get("valueCoding")]
        if answer and answer["system"] == LOINC
    }
    assert shown == {
        ("LA6568-5", "Not at all"),
        ("LA6569-3", "Several days"),
        ("LA6570-1", "More than half the days"),
        ("LA6571-9", "Nearly every day"),
    }


@pytest.mark.parametrize(
    ("value", "code", "display"),
    [
        (0, "LA6568-5", "Not at all"),
        (1, "LA6569-3", "Several days"),
        (2, "LA18938-3", "More days than not"),
        (3, "LA6571-9", "Nearly every day"),
    ],
)
def test_fhir_gad7_item_2_is_answered_from_its_own_loinc_answer_list(
    value, code, display, clinician, fetch_bundle
):
    client = ClientFactory(primary_clinician=clinician)
    assessment = assessment_record(
        by=clinician,
        client=client,
        instrument="gad7",
        administered_on=datetime.date(2025, 3, 1),
        responses=[2, value, 2, 0, 0, 0, 0],
    )

    response = response_of(fetch_bundle(clinician, client), assessment)

    first, second, third = (item["answer"][0]["valueCoding"] for item in response["item"][:3])
    assert response["item"][1]["linkId"] == "57542"
    assert (second["system"], second["code"], second["display"]) == (LOINC, code, display)
    assert ordinal(second) == value
    assert (first["code"], third["code"]) == ("LA6570-1", "LA6570-1")


def test_fhir_rses_and_roots5_responses_cite_rootwise_questionnaires_in_the_bundle(
    history, clinician, fetch_bundle
):
    bundle = fetch_bundle(clinician, history.client)

    questionnaires = {q["url"]: q for q in resources(bundle, "Questionnaire")}
    assert set(questionnaires) == set(ROOTWISE_QUESTIONNAIRE.values())
    rses = questionnaires[ROOTWISE_QUESTIONNAIRE["rses"]]
    assert [item["linkId"] for item in rses["item"]] == [str(n) for n in range(1, 11)]
    assert rses["item"][0]["text"] == "On the whole, I am satisfied with myself."
    assert rses["item"][8]["text"] == "All in all, I am inclined to feel that I am a failure."
    options = [option["valueCoding"] for option in rses["item"][0]["answerOption"]]
    assert [(o["system"], o["code"], o["display"]) for o in options] == [
        ("urn:rootwise:codesystem:rses-answer", "0", "Strongly disagree"),
        ("urn:rootwise:codesystem:rses-answer", "1", "Disagree"),
        ("urn:rootwise:codesystem:rses-answer", "2", "Agree"),
        ("urn:rootwise:codesystem:rses-answer", "3", "Strongly agree"),
    ]
    assert [ordinal(o) for o in options] == [0, 1, 2, 3]
    # Item 2 is reverse-scored: strongly agreeing scores 0.
    reversed_item = [option["valueCoding"] for option in rses["item"][1]["answerOption"]]
    assert [ordinal(o) for o in reversed_item] == [3, 2, 1, 0]
    roots5 = questionnaires[ROOTWISE_QUESTIONNAIRE["roots5"]]
    assert "not a validated measure" in roots5["title"]
    assert "not a validated measure" in roots5["description"]
    assert [item["text"] for item in roots5["item"]] == [
        "Memories or patterns from early childhood",
        "Comparing yourself with others, including on social media",
        "Past failures or rejections",
        "How you are treated in close relationships",
        "Holding yourself to standards you cannot meet",
    ]
    assert [len(item["answerOption"]) for item in roots5["item"]] == [11] * 5
    assert "not a validated measure" not in rses["title"]

    checked = Counter()
    for assessment in history.kept:
        if assessment.instrument not in ROOTWISE_QUESTIONNAIRE:
            continue
        response = response_of(bundle, assessment)
        assert response["questionnaire"] == ROOTWISE_QUESTIONNAIRE[assessment.instrument]
        assert [item["linkId"] for item in response["item"]] == [
            str(number) for number in range(1, len(assessment.responses) + 1)
        ]
        system = f"urn:rootwise:codesystem:{assessment.instrument}-answer"
        assert [
            (item["answer"][0]["valueCoding"]["system"], item["answer"][0]["valueCoding"]["code"])
            for item in response["item"]
        ] == [(system, str(value)) for value in assessment.responses]
        checked[assessment.instrument] += 1
    assert checked == {"rses": 2, "roots5": 2}


# --- Observations ---------------------------------------------------------------------------


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


# --- Encounters -----------------------------------------------------------------------------


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


# --- Risk flags -----------------------------------------------------------------------------


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


# --- Cost -----------------------------------------------------------------------------------


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
