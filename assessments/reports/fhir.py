"""A client's record as a FHIR R4B Bundle of type `collection`.

R4B, not R5: it is what clinical systems exchange today (R4-compatible for every resource used
here), and it keeps CarePlan.activity.detail, which carries homework inline. The bundle names
its version in `meta.profile` (the core Bundle definition of FHIR 4.3.0).
Resources: Patient, Practitioner, an Encounter per session, a QuestionnaireResponse and an
Observation (total score) per non-void administration, and a CarePlan whose activities are the
homework. Roots of insecurity, strategies and the instruments without LOINC codes use Rootwise
code systems. Note text is never included.
"""

import uuid
from datetime import timedelta

from assessments.instruments import INSTRUMENTS
from assessments.reports.data import ReportData

FHIR_VERSION = "4.3.0"
BUNDLE_PROFILE = f"http://hl7.org/fhir/StructureDefinition/Bundle|{FHIR_VERSION}"
LOINC = "http://loinc.org"
ROOT_SYSTEM = "urn:rootwise:codesystem:insecurity-root"
STRATEGY_SYSTEM = "urn:rootwise:codesystem:strategy"
INSTRUMENT_SYSTEM = "urn:rootwise:codesystem:instrument"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

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


def _instrument_code(code: str) -> dict:
    instrument = INSTRUMENTS[code]
    if instrument.loinc and instrument.loinc.total:
        return {
            "coding": [{"system": LOINC, "code": instrument.loinc.total}],
            "text": f"{instrument.name} total score",
        }
    return {
        "coding": [{"system": INSTRUMENT_SYSTEM, "code": code}],
        "text": f"{instrument.name} total score",
    }


def _questionnaire_canonical(code: str) -> str:
    instrument = INSTRUMENTS[code]
    if instrument.loinc and instrument.loinc.panel:
        return f"http://loinc.org/q/{instrument.loinc.panel}"
    return instrument.canonical_url


def _questionnaire_response(assessment, patient_ref: dict) -> dict:
    instrument = INSTRUMENTS[assessment.instrument]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.pk),
        "questionnaire": _questionnaire_canonical(assessment.instrument),
        "status": "completed",
        "subject": patient_ref,
        "authored": assessment.administered_on.isoformat(),
        "item": [
            {
                "linkId": str(item.number),
                "text": item.text,
                "answer": [{"valueInteger": value}],
            }
            for item, value in zip(instrument.items, assessment.responses, strict=True)
        ],
    }


def _observation(assessment, patient_ref: dict, observation_id: str) -> dict:
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
        "valueInteger": assessment.total_score,
        "derivedFrom": [_ref("QuestionnaireResponse", assessment.pk)],
    }
    if assessment.severity:
        observation["interpretation"] = [{"text": assessment.severity.replace("_", " ")}]
    return observation


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
    resources = [patient, *_practitioners(data)]
    resources += [_encounter(session, patient_ref) for session in data.sessions]
    for assessment in data.administrations:
        resources.append(_questionnaire_response(assessment, patient_ref))
        resources.append(
            _observation(assessment, patient_ref, derived_id(assessment.pk, "total-score"))
        )
    if data.homework:
        resources.append(_care_plan(data, patient_ref))
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [BUNDLE_PROFILE]},
        "type": "collection",
        "timestamp": data.generated_at.isoformat(),
        "entry": [_entry(resource) for resource in resources],
    }
