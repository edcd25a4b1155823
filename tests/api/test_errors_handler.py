"""The exception handler's problem documents: nested errors flattened to dotted field paths, one
error per message, and conflicts with stored data as a 409 only when nothing else is wrong.

One error format everywhere: RFC 9457 problem details for every 4xx and 5xx, never a stack
trace, never a 500 for a bad request (`tests.helpers.assert_problem` checks the format)."""

import pytest
from rest_framework.exceptions import ErrorDetail, ValidationError

from api.exceptions import field_errors, problem_exception_handler
from api.problems import PROBLEM_MEDIA_TYPE

pytestmark = pytest.mark.django_db


def test_nested_errors_are_flattened_to_dotted_field_paths():
    detail = {
        "presenting_roots": [
            {},
            {"severity": [ErrorDetail("Ensure this value is at most 5.", code="max_value")]},
        ],
        "note": {"sections": {"plan": [ErrorDetail("This field is required.", code="required")]}},
        "care_team": {"2": [ErrorDetail("Invalid pk.", code="does_not_exist")]},
        "non_field_errors": [ErrorDetail("Pick one primary root.", code="invalid")],
    }

    assert field_errors(detail) == [
        {
            "field": "presenting_roots.1.severity",
            "code": "max_value",
            "message": "Ensure this value is at most 5.",
        },
        {"field": "note.sections.plan", "code": "required", "message": "This field is required."},
        {"field": "care_team.2", "code": "does_not_exist", "message": "Invalid pk."},
        {"field": None, "code": "invalid", "message": "Pick one primary root."},
    ]


def test_each_message_of_a_field_is_its_own_error():
    detail = {
        "password": [ErrorDetail("Too short.", code="a"), ErrorDetail("Too common.", code="b")]
    }

    assert field_errors(detail) == [
        {"field": "password", "code": "a", "message": "Too short."},
        {"field": "password", "code": "b", "message": "Too common."},
    ]


def test_a_validation_error_becomes_a_problem_naming_every_field():
    error = ValidationError(
        {"presenting_roots": [{"severity": ["Too high."]}, {"root": ["Unknown root."]}]}
    )

    response = problem_exception_handler(error, {"view": None})

    assert response.status_code == 400
    assert response.content_type == PROBLEM_MEDIA_TYPE
    assert response.data["type"] == "urn:rootwise:problem:validation-error"
    assert [e["field"] for e in response.data["errors"]] == [
        "presenting_roots.0.severity",
        "presenting_roots.1.root",
    ]
    assert response.data["detail"] == "The request has invalid fields."


def test_a_single_validation_error_is_also_the_detail():
    response = problem_exception_handler(ValidationError({"email": ["Taken."]}), {"view": None})

    assert response.data["detail"] == "Taken."
    assert response.data["errors"] == [{"field": "email", "code": "invalid", "message": "Taken."}]


def test_a_refusal_made_only_of_conflicts_with_stored_data_is_a_409_naming_the_field():
    error = ValidationError({"external_id": ["Another client has this id."]}, code="conflict")

    response = problem_exception_handler(error, {"view": None})

    assert response.status_code == 409
    assert response.data["type"] == "urn:rootwise:problem:conflict"
    assert response.data["errors"] == [
        {"field": "external_id", "code": "conflict", "message": "Another client has this id."}
    ]


def test_a_conflict_beside_a_malformed_field_is_a_400():
    error = ValidationError(
        {
            "external_id": [ErrorDetail("Another client has this id.", "conflict")],
            "email": [ErrorDetail("Enter a valid email address.", "invalid")],
        }
    )

    response = problem_exception_handler(error, {"view": None})

    assert response.status_code == 400
    assert response.data["type"] == "urn:rootwise:problem:validation-error"
    assert {e["code"] for e in response.data["errors"]} == {"conflict", "invalid"}
