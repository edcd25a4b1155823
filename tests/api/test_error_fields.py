"""Validation errors a front end shows next to the right field, in words a clinician reads."""

import json

import pytest
from rest_framework.test import APIClient

from api.parsers import NOT_A_NUMBER
from assessments.models import Assessment
from tests.factories import ClientFactory
from tests.helpers import assert_problem


@pytest.fixture
def clinician_and_client(db):
    client = ClientFactory()
    api = APIClient()
    api.force_authenticate(client.primary_clinician)
    return api, client


def test_a_note_without_its_format_is_refused_as_required(clinician_and_client):
    api, client = clinician_and_client
    body = {
        "client": str(client.pk),
        "starts_at": "2025-01-06T10:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
        "note": {"data": "Reported better sleep."},
    }
    response = api.post("/api/v1/sessions/", body, format="json")
    problem = assert_problem(response, 400, "note.format")
    codes = {error["field"]: error["code"] for error in problem["errors"]}
    assert codes["note.format"] == "required"


@pytest.mark.parametrize(
    ("answers", "field", "item"),
    [
        ([0, 0, 0, 0, 7, 0, 0, 0, 0], "responses.4", "Item 5: "),
        ([0, 0, 0, 0, 0, 0, 0, 0, "often"], "responses.8", "Item 9: "),
    ],
)
def test_an_assessment_answer_error_names_the_item_from_one(
    clinician_and_client, answers, field, item
):
    api, client = clinician_and_client
    body = {
        "client": str(client.pk),
        "instrument": "phq9",
        "responses": answers,
        "administered_on": "2025-01-06",
    }
    problem = assert_problem(api.post("/api/v1/assessments/", body, format="json"), 400, field)
    [error] = [error for error in problem["errors"] if error["field"] == field]
    assert error["message"].startswith(item)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_answer_is_refused_naming_its_field(clinician_and_client, constant):
    api, client = clinician_and_client
    answers = [0, "@", 0, 0, 0, 0, 0, 0, 0]
    fields = {"client": str(client.pk), "instrument": "phq9", "administered_on": "2025-01-06"}
    body = json.dumps({**fields, "responses": answers}).replace('"@"', constant)
    response = api.post("/api/v1/assessments/", body, content_type="application/json")

    problem = assert_problem(response, 400, "responses.1")
    assert problem["errors"][0]["message"] == NOT_A_NUMBER
    assert not Assessment.objects.exists()


def test_a_non_finite_number_anywhere_names_its_path(clinician_and_client):
    api, client = clinician_and_client
    fields = {"client": str(client.pk), "starts_at": "2025-01-06T10:00:00Z", "kind": "individual"}
    body = json.dumps({**fields, "modality": "video", "duration_minutes": "@"})
    body = body.replace('"@"', "NaN")
    response = api.post("/api/v1/sessions/", body, content_type="application/json")

    assert_problem(response, 400, "duration_minutes")
