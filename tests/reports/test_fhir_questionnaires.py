"""QuestionnaireResponses in the FHIR export: PHQ-9 and GAD-7 answers use the link ids and
answer codes of LOINC's questionnaires, and Rootwise-defined instruments cite Questionnaires
carried in the bundle. The LOINC codes are typed from LOINC's published forms (see
progress/reports/loinc.py for the sources), not read from the code under test."""

import datetime
from collections import Counter

import pytest

from assessments.services import assessment_record
from tests.factories import ClientFactory
from tests.reports.fhir import (
    LOINC,
    LOINC_QUESTIONNAIRE,
    loinc_answer,
    ordinal,
    resources,
    response_of,
)

pytestmark = pytest.mark.django_db


# Rootwise's own questionnaires, for the instruments without a LOINC form.
ROOTWISE_QUESTIONNAIRE = {
    "rses": "urn:rootwise:questionnaire:rses",
    "roots5": "urn:rootwise:questionnaire:roots5",
}


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
