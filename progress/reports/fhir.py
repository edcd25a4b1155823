"""A client's record as a FHIR R4B Bundle of type `collection`.

R4B, not R5: it is what clinical systems exchange today (R4-compatible for every resource used
here), and it keeps CarePlan.activity.detail, which carries homework inline. The bundle names
its version in `meta.profile` (the core Bundle definition of FHIR 4.3.0).
Resources: Patient, Practitioner, an Encounter per session, per non-void administration a
QuestionnaireResponse and an Observation of the total score (both pointing at the session's
Encounter when the administration belongs to a session), a Questionnaire for each Rootwise-
defined instrument answered, a Flag per open risk flag, and a CarePlan whose activities are the
homework. PHQ-9 and GAD-7 answer LOINC's own questionnaires (see `loinc`); roots of insecurity,
strategies, severity bands, risk flags and the other instruments use Rootwise code systems.
Note text is never included.
"""

import uuid
from datetime import timedelta

from assessments.instruments import INSTRUMENTS
from progress.reports.data import ReportData
from progress.reports.loinc import LOINC_FORMS

FHIR_VERSION = "4.3.0"
BUNDLE_PROFILE = f"http://hl7.org/fhir/StructureDefinition/Bundle|{FHIR_VERSION}"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ROOT_SYSTEM = "urn:rootwise:codesystem:insecurity-root"
STRATEGY_SYSTEM = "urn:rootwise:codesystem:strategy"
INSTRUMENT_SYSTEM = "urn:rootwise:codesystem:instrument"
SEVERITY_BAND_SYSTEM = "urn:rootwise:codesystem:severity-band"
RISK_FLAG_SYSTEM = "urn:rootwise:codesystem:risk-flag"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

# Instruments Rootwise made itself are exported, but never presented as validated measures.
NOT_VALIDATED = "a Rootwise index, not a validated measure"

ENCOUNTER_STATUS = {
    "scheduled": "planned",
    "completed": "finished",
    "cancelled": "cancelled",
    "no_show": "cancelled",
}
ENCOUNTER_CLASS = {
    "in_person": ("AMB", "ambulatory"),
    "video": ("VR", "virtual"),
    "phone": ("VR", "virtual"),
}
ACTIVITY_STATUS = {
    "assigned": "not-started",
    "completed": "completed",
    "partially_completed": "stopped",
    "not_completed": "stopped",
    "cancelled": "cancelled",
}


def _ref(resource_type: str, pk) -> dict:
    return {"reference": f"urn:uuid:{pk}", "type": resource_type}


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _root_concept(root: str) -> dict:
    return {"coding": [{"system": ROOT_SYSTEM, "code": root}]}


def _patient(data: ReportData) -> dict:
    client = data.client
    patient = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "active": client.status == "active",
        "name": [{"family": client.family_name, "given": [client.given_name]}],
    }
    if client.external_id:
        patient["identifier"] = [
            {"system": f"urn:rootwise:practice:{client.practice_id}", "value": client.external_id}
        ]
    if client.date_of_birth:
        patient["birthDate"] = client.date_of_birth.isoformat()
    telecom = [{"system": "email", "value": client.email}] if client.email else []
    telecom += [{"system": "phone", "value": client.phone}] if client.phone else []
    if telecom:
        patient["telecom"] = telecom
    return patient


def _practitioners(data: ReportData) -> list[dict]:
    people = {data.client.primary_clinician.pk: data.client.primary_clinician}
    people.update({session.clinician.pk: session.clinician for session in data.sessions})
    return [
        {"resourceType": "Practitioner", "id": str(pk), "name": [{"text": person.full_name}]}
        for pk, person in people.items()
    ]


def _encounter(session, patient_ref: dict) -> dict:
    code, display = ENCOUNTER_CLASS[session.modality]
    end = session.starts_at + timedelta(minutes=session.duration_minutes)
    encounter = {
        "resourceType": "Encounter",
        "id": str(session.pk),
        "status": ENCOUNTER_STATUS[session.status],
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "subject": patient_ref,
        "participant": [{"individual": _ref("Practitioner", session.clinician_id)}],
        "period": {
            "start": session.starts_at.isoformat(),
            "end": end.isoformat(),
        },
    }
    if session.roots_addressed:
        encounter["reasonCode"] = [_root_concept(root) for root in session.roots_addressed]
    return encounter


def _instrument_title(code: str) -> str:
    instrument = INSTRUMENTS[code]
    if not instrument.validated:
        return f"{instrument.name} ({NOT_VALIDATED})"
    return instrument.name


def _instrument_code(code: str) -> dict:
    instrument = INSTRUMENTS[code]
    if instrument.loinc and instrument.loinc.total:
        coding = {"system": LOINC, "code": instrument.loinc.total}
    else:
        coding = {"system": INSTRUMENT_SYSTEM, "code": code}
    return {"coding": [coding], "text": f"{_instrument_title(code)} total score"}


def _answer_system(code: str) -> str:
    """The Rootwise code system of an instrument's answers (codes are the answer values)."""
    return f"urn:rootwise:codesystem:{code}-answer"


def _answer_coding(code: str, index: int, value: int) -> dict:
    """The coded answer `value` to item `index` (0-based), its item score as ordinal value."""
    instrument = INSTRUMENTS[code]
    form = LOINC_FORMS.get(code)
    if form:
        answer = form.items[index].answers[value]
        coding = {"system": LOINC, "code": answer.code, "display": answer.display}
    else:
        label = next(option.label for option in instrument.options if option.value == value)
        coding = {"system": _answer_system(code), "code": str(value), "display": label}
    score = instrument.item_score(instrument.items[index].number, value)
    return {**coding, "extension": [{"url": ORDINAL_VALUE, "valueDecimal": score}]}


def _questionnaire_id(code: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, INSTRUMENTS[code].canonical_url))


def _rootwise_questionnaire(code: str) -> dict:
    """The definition of an instrument that has no LOINC form, for its responses to cite."""
    instrument = INSTRUMENTS[code]
    description = f"{instrument.stem} Source: {instrument.citation}"
    if not instrument.validated:
        description = f"Rootwise's own index, not a validated measure. {description}"
    return {
        "resourceType": "Questionnaire",
        "id": _questionnaire_id(code),
        "url": instrument.canonical_url,
        "version": instrument.version,
        "title": _instrument_title(code),
        "status": "active",
        "subjectType": ["Patient"],
        "description": description,
        "copyright": instrument.licence,
        "item": [
            {
                "linkId": str(item.number),
                "text": item.text,
                "type": "choice",
                "required": True,
                "answerOption": [
                    {"valueCoding": _answer_coding(code, index, option.value)}
                    for option in instrument.options
                ],
            }
            for index, item in enumerate(instrument.items)
        ],
    }


def _questionnaire_response(assessment, patient_ref: dict, encounter_ref: dict | None) -> dict:
    code = assessment.instrument
    instrument = INSTRUMENTS[code]
    form = LOINC_FORMS.get(code)
    items = [
        {
            "linkId": form.items[index].link_id if form else str(item.number),
            "text": item.text,
            "answer": [{"valueCoding": _answer_coding(code, index, value)}],
        }
        for index, (item, value) in enumerate(
            zip(instrument.items, assessment.responses, strict=True)
        )
    ]
    if form:
        items.append(
            {
                "linkId": form.total_link_id,
                "text": f"{instrument.name} total score",
                "answer": [{"valueDecimal": assessment.total_score}],
            }
        )
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.pk),
        "questionnaire": form.questionnaire if form else instrument.canonical_url,
        "status": "completed",
        "subject": patient_ref,
        "authored": assessment.administered_on.isoformat(),
        "item": items,
    }
    if encounter_ref:
        response["encounter"] = encounter_ref
    return response


def _interpretation(assessment) -> list[dict]:
    """The severity band the administration was scored into, coded with its label and range."""
    bands = INSTRUMENTS[assessment.instrument].bands
    band = next((band for band in bands if band.code == assessment.severity), None)
    if band is None:
        return []
    coding = {"system": SEVERITY_BAND_SYSTEM, "code": band.code, "display": band.label}
    return [{"coding": [coding], "text": f"{band.label} ({band.min_score} to {band.max_score})"}]


def _item_components(assessment) -> list[dict]:
    """Items with a LOINC code of their own (PHQ-9 item 9, the risk item), answer included."""
    code = assessment.instrument
    instrument = INSTRUMENTS[code]
    if not instrument.loinc:
        return []
    components = []
    for number, item_code in instrument.loinc.items.items():
        index = number - 1
        answer = _answer_coding(code, index, assessment.responses[index])
        components.append(
            {
                "code": {
                    "coding": [{"system": LOINC, "code": item_code}],
                    "text": instrument.items[index].text,
                },
                "valueCodeableConcept": {"coding": [answer], "text": answer["display"]},
            }
        )
    return components


def _observation(
    assessment, patient_ref: dict, encounter_ref: dict | None, observation_id: str
) -> dict:
    observation = {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": _instrument_code(assessment.instrument),
        "subject": patient_ref,
        "effectiveDateTime": assessment.administered_on.isoformat(),
        "valueQuantity": {
            "value": assessment.total_score,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        },
        "derivedFrom": [_ref("QuestionnaireResponse", assessment.pk)],
    }
    if encounter_ref:
        observation["encounter"] = encounter_ref
    if interpretation := _interpretation(assessment):
        observation["interpretation"] = interpretation
    if components := _item_components(assessment):
        observation["component"] = components
    return observation


def _flag(risk_flag, patient_ref: dict, encounter_ref: dict | None) -> dict:
    """An open risk flag. Acknowledged flags are left out: the export lists what is open."""
    flag = {
        "resourceType": "Flag",
        "id": str(risk_flag.pk),
        "status": "active",
        "category": [
            {"coding": [{"system": FLAG_CATEGORY, "code": "safety", "display": "Safety"}]}
        ],
        "code": {
            "coding": [{"system": RISK_FLAG_SYSTEM, "code": risk_flag.flag}],
            "text": risk_flag.description,
        },
        "subject": patient_ref,
        "period": {"start": risk_flag.raised_on.isoformat()},
    }
    if encounter_ref:
        flag["encounter"] = encounter_ref
    return flag


def _care_plan(data: ReportData, patient_ref: dict) -> dict:
    return {
        "resourceType": "CarePlan",
        "id": derived_id(data.client.pk, "care-plan"),
        "status": "active" if data.client.status == "active" else "completed",
        "intent": "plan",
        "title": "Homework from the Rootwise strategy set",
        "subject": patient_ref,
        "activity": [
            {
                "detail": {
                    "kind": "Task",
                    "code": {"coding": [{"system": STRATEGY_SYSTEM, "code": homework.strategy}]},
                    "status": ACTIVITY_STATUS[homework.status],
                    "description": homework.title,
                    "scheduledPeriod": {
                        "start": homework.assigned_on.isoformat(),
                        **({"end": homework.due_on.isoformat()} if homework.due_on else {}),
                    },
                    **(
                        {"reasonCode": [_root_concept(root) for root in homework.target_roots]}
                        if homework.target_roots
                        else {}
                    ),
                }
            }
            for homework in data.homework
        ],
    }


def derived_id(pk: uuid.UUID, what: str) -> str:
    """A stable id for a resource derived from a record (every fullUrl in a bundle differs)."""
    return str(uuid.uuid5(pk, what))


def fhir_bundle(data: ReportData) -> dict:
    patient = _patient(data)
    patient_ref = _ref("Patient", data.client.pk)
    session_ids = {session.pk for session in data.sessions}

    def encounter_of(session_id) -> dict | None:
        return _ref("Encounter", session_id) if session_id in session_ids else None

    resources = [patient, *_practitioners(data)]
    resources += [_encounter(session, patient_ref) for session in data.sessions]
    answered = {assessment.instrument for assessment in data.administrations}
    resources += [
        _rootwise_questionnaire(code)
        for code in INSTRUMENTS
        if code in answered and code not in LOINC_FORMS
    ]
    for assessment in data.administrations:
        encounter_ref = encounter_of(assessment.session_id)
        resources.append(_questionnaire_response(assessment, patient_ref, encounter_ref))
        resources.append(
            _observation(
                assessment, patient_ref, encounter_ref, derived_id(assessment.pk, "total-score")
            )
        )
    resources += [
        _flag(risk_flag, patient_ref, encounter_of(risk_flag.assessment.session_id))
        for risk_flag in data.progress["risk_flags"]
    ]
    if data.homework:
        resources.append(_care_plan(data, patient_ref))
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [BUNDLE_PROFILE]},
        "type": "collection",
        "timestamp": data.generated_at.isoformat(),
        "entry": [_entry(resource) for resource in resources],
    }
