"""What the FHIR export tests share: the FHIR media type, LOINC's codes as LOINC publishes them
(typed from its forms, never read from the code under test), and readers of a bundle's
resources."""

FHIR_MEDIA_TYPE = "application/fhir+json; fhirVersion=4.3"
LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
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


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def codings(concept: dict) -> list[tuple[str, str]]:
    return [(coding["system"], coding["code"]) for coding in concept["coding"]]


def by_reference(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def loinc_answer(instrument: str, index: int, value: int) -> str:
    """The LOINC answer code for `value` to item `index` (0-based) of PHQ-9 or GAD-7."""
    table = GAD7_ITEM_2_ANSWER if (instrument, index) == ("gad7", 1) else FREQUENCY_ANSWER
    return table[value]


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
