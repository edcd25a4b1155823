"""One error format everywhere: RFC 9457 problem details for every 4xx and 5xx, never a stack
trace, never a 500 for a bad request.

`assert_problem` is the one check of that format; the other API test modules import it (and
`new_user`, a valid body to create a member of staff).
"""

import json

import pytest
from django.http import HttpResponse
from django.urls import path
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from api import urls as api_urls
from api.auth.models import User
from api.exceptions import field_errors, problem_exception_handler
from api.problems import PROBLEM_MEDIA_TYPE
from clients.models import Client
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db

# A throwaway urlconf (used with `@pytest.mark.urls(__name__)`): the API plus two views that crash.
SECRET_TEXT = "password=hunter2 at db.internal:5432"


class Crash(Exception):
    pass


class CrashingApiView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise Crash(SECRET_TEXT)


def crashing_django_view(request) -> HttpResponse:
    raise Crash(SECRET_TEXT)


urlpatterns = [
    path("api/v1/crash/", CrashingApiView.as_view()),
    path("crash/", crashing_django_view),
    *api_urls.urlpatterns,
]
handler400 = api_urls.handler400
handler403 = api_urls.handler403
handler404 = api_urls.handler404
handler500 = api_urls.handler500


@pytest.fixture
def admin_client(admin, as_user) -> APIClient:
    return as_user(admin)


@pytest.fixture
def lenient_client() -> APIClient:
    """A client that returns the 500 response instead of re-raising the view's exception."""
    return APIClient(raise_request_exception=False)


# Bodies that are not what the endpoint can read.

WRITE_ENDPOINTS = ["/api/v1/auth/token/", "/api/v1/users/", "/api/v1/auth/password/"]


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"email": ', "{'email': 'x'}", "not json at all", "[1, 2,]"])
def test_malformed_json_is_a_400_problem_not_a_500(admin_client, url, body):
    response = admin_client.post(url, body, content_type="application/json")

    problem = assert_problem(response, 400)
    assert problem["type"] == "urn:rootwise:problem:parse-error"


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("email=a@example.test&password=x", "application/x-www-form-urlencoded"),
        ("email: a@example.test", "text/plain"),
        ("<email>a@example.test</email>", "application/xml"),
    ],
)
def test_a_body_that_is_not_json_is_a_415_problem(admin_client, url, body, content_type):
    response = admin_client.post(url, body, content_type=content_type)

    assert_problem(response, 415)


def test_a_form_encoded_user_is_refused_and_not_created(admin_client):
    response = admin_client.post("/api/v1/users/", new_user(), format="multipart")

    assert_problem(response, 415)
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ["null", "[]", '"text"', "42", "true"])
def test_json_that_is_not_an_object_is_a_400_problem_about_the_whole_body(admin_client, url, body):
    response = admin_client.post(url, body, content_type="application/json")

    problem = assert_problem(response, 400, None)
    assert problem["type"] == "urn:rootwise:problem:validation-error"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", 12345),
        ("email", ["new.person@example.test"]),
        ("email", {"address": "new.person@example.test"}),
        ("full_name", {"given": "New"}),
        ("full_name", ["New", "Person"]),
        ("full_name", "New\x00Person"),
        ("full_name", "x" * 201),
        ("role", ["clinician"]),
        ("role", {"name": "clinician"}),
        ("role", True),
        ("supervisor", {"id": "1"}),
        ("supervisor", ["1"]),
        ("supervisor", "not-a-uuid"),
        ("supervisor", True),
        ("password", ["a-long-enough-passphrase"]),
        ("password", None),
    ],
)
def test_wrong_types_in_a_new_user_are_400_naming_the_field(admin_client, field, value):
    response = admin_client.post("/api/v1/users/", new_user(**{field: value}), format="json")

    assert_problem(response, 400, field)
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", ["someone@example.test"]),
        ("email", 7),
        ("full_name", {"given": "X"}),
        ("full_name", None),
        ("role", ["admin"]),
        ("supervisor", {"id": "1"}),
    ],
)
def test_wrong_types_in_a_user_change_are_400_naming_the_field_and_change_nothing(
    admin_client, colleague, field, value
):
    before = User.objects.values().get(pk=colleague.pk)

    response = admin_client.patch(f"/api/v1/users/{colleague.pk}/", {field: value}, format="json")

    assert_problem(response, 400, field)
    assert User.objects.values().get(pk=colleague.pk) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", ["someone@example.test"]),
        ("email", {"$ne": None}),
        ("email", "someone\x00@example.test"),
        ("password", {"$gt": ""}),
        ("password", ["x"]),
    ],
)
def test_wrong_types_at_login_are_400_naming_the_field(api_client, clinician, field, value):
    body = {"email": clinician.email, "password": "whatever", field: value}

    response = api_client.post("/api/v1/auth/token/", body, format="json")

    assert_problem(response, 400, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [("old_password", ["x"]), ("new_password", {"a": 1}), ("new_password", None)],
)
def test_wrong_types_in_a_password_change_are_400_naming_the_field(
    as_user, clinician, field, value
):
    body = {"old_password": "correct-horse-battery-staple", "new_password": "x" * 20}

    response = as_user(clinician).post(
        "/api/v1/auth/password/", {**body, field: value}, format="json"
    )

    assert_problem(response, 400, field)


def test_an_oversized_body_is_a_413_problem_not_a_500(lenient_client):
    body = json.dumps({"email": "a" * 3_000_000 + "@example.test", "password": "x"})

    response = lenient_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert_problem(response, 413)


# Addresses and methods.


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/nothing-here",
        "/api/v1/nothing-here/",
        "/api/v1/users",  # no trailing slash: no redirect, no HTML
        "/api/v2/users/",
        "/api/v1/users/not-a-uuid/",
        "/api/v1/users/00000000-0000-0000-0000-000000000000/",
        "/not-the-api/",
    ],
)
def test_unknown_urls_are_404_problems(admin_client, url):
    response = admin_client.get(url)

    problem = assert_problem(response, 404)
    assert problem["type"] == "urn:rootwise:problem:not-found"


def test_unknown_urls_under_the_api_are_404_problems_even_when_signed_out(api_client):
    assert_problem(api_client.get("/api/v1/nothing-here/"), 404)


@pytest.mark.parametrize("url", ["/api/nothing-here", "/api/v1/nothing-here/", "/api/v1/users"])
def test_unknown_api_urls_are_404_problems_with_debug_on_too(api_client, settings, url):
    """With DEBUG on (`make run`), Django would answer its HTML debug page instead."""
    settings.DEBUG = True

    assert_problem(api_client.get(url), 404)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/auth/me/"),
        ("delete", "/api/v1/auth/me/"),
        ("get", "/api/v1/auth/password/"),
        ("get", "/api/v1/auth/logout/"),
        ("put", "/api/v1/users/"),
        ("delete", "/api/v1/users/"),
    ],
)
def test_a_method_the_endpoint_does_not_have_is_a_405_problem(admin_client, method, url):
    response = getattr(admin_client, method)(url)

    problem = assert_problem(response, 405)
    assert problem["type"] == "urn:rootwise:problem:method-not-allowed"


def test_a_forged_host_header_is_a_400_problem(api_client):
    response = api_client.get("/api/v1/roots/", HTTP_HOST="attacker.example")

    assert_problem(response, 400)


# Crashes.


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/v1/crash/", "/crash/"])
def test_a_crash_is_a_500_problem_that_reveals_nothing(lenient_client, url):
    response = lenient_client.get(url)

    problem = assert_problem(response, 500)
    assert problem["errors"] == []
    text = response.content.decode()
    for leak in (SECRET_TEXT, "hunter2", "Crash", "Traceback", "File ", ".py"):
        assert leak not in text


# Field paths.


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


# JSON values of the wrong type are refused, never coerced.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", 0),  # a number where a string belongs (would become "0")
        ("role", 1),  # a number where an enum string belongs
        ("supervisor", ""),  # an empty string where an id or null belongs (would become null)
        ("supervisor", 5),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_coerced(field, value, as_user, clinician):
    admin = User.objects.create_user(
        "strict.admin@example.test", "irrelevant-pass", full_name="Strict Admin",
        role="admin", practice=clinician.practice,
    )  # fmt: skip
    before = User.objects.values().get(pk=clinician.pk)

    response = as_user(admin).patch(f"/api/v1/users/{clinician.pk}/", {field: value}, format="json")

    assert_problem(response, 400, field)
    assert User.objects.values().get(pk=clinician.pk) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", "4"),
        ("severity", 4.0),
        ("severity", True),
        ("is_primary", "true"),
        ("is_primary", 1),
    ],
)
def test_numbers_and_booleans_must_be_json_numbers_and_booleans(field, value, as_user, clinician):
    root = {"root": "perfectionism", "severity": 3, "is_primary": True, field: value}
    body = {"given_name": "Ada", "family_name": "Strict", "presenting_roots": [root]}

    response = as_user(clinician).post("/api/v1/clients/", body, format="json")

    assert_problem(response, 400, f"presenting_roots.0.{field}")
    assert not Client.objects.filter(family_name="Strict").exists()


def test_json_nested_too_deeply_is_a_400_problem_not_a_500(as_user, clinician):
    deep = "[" * 100_000 + "]" * 100_000

    response = as_user(clinician).post("/api/v1/clients/", deep, content_type="application/json")

    assert_problem(response, 400)
    assert not Client.objects.exists()


def test_nul_characters_in_text_are_refused(as_user, clinician):
    body = '{"given_name": "Ad\\u0000a", "family_name": "Nul"}'

    response = as_user(clinician).post("/api/v1/clients/", body, content_type="application/json")

    assert_problem(response, 400, "given_name")
    assert not Client.objects.exists()


def test_a_nul_character_in_a_sign_in_is_refused(lenient_client):
    body = '{"email": "a\\u0000b@example.test", "password": "irrelevant"}'

    response = lenient_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert_problem(response, 400, "email")


def test_a_string_over_its_maximum_length_is_refused_even_when_trimming_would_fit(
    as_user, clinician
):
    body = {"given_name": "\n" + "A" * 100, "family_name": "Long"}  # 101 characters; max 100

    response = as_user(clinician).post("/api/v1/clients/", body, format="json")

    assert_problem(response, 400, "given_name")
    assert not Client.objects.exists()
