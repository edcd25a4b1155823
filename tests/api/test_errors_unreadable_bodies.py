"""Bodies an endpoint cannot read: malformed or non-object JSON, other media types, oversized
bodies and JSON nested too deeply are 4xx problems, and nothing is created.

One error format everywhere: RFC 9457 problem details for every 4xx and 5xx, never a stack
trace, never a 500 for a bad request (`tests.helpers.assert_problem` checks the format)."""

import json

import pytest

from api.auth.models import User
from clients.models import Client
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db


WRITE_ENDPOINTS = ["/api/v1/auth/token/", "/api/v1/users/", "/api/v1/auth/password/"]


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"email": ', "{'email': 'x'}", "not json at all", "[1, 2,]"])
def test_malformed_json_is_a_400_problem_not_a_500(admin_api, url, body):
    response = admin_api.post(url, body, content_type="application/json")

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
def test_a_body_that_is_not_json_is_a_415_problem(admin_api, url, body, content_type):
    response = admin_api.post(url, body, content_type=content_type)

    assert_problem(response, 415)


def test_a_form_encoded_user_is_refused_and_not_created(admin_api):
    response = admin_api.post("/api/v1/users/", new_user(), format="multipart")

    assert_problem(response, 415)
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ["null", "[]", '"text"', "42", "true"])
def test_json_that_is_not_an_object_is_a_400_problem_about_the_whole_body(admin_api, url, body):
    response = admin_api.post(url, body, content_type="application/json")

    problem = assert_problem(response, 400, None)
    assert problem["type"] == "urn:rootwise:problem:validation-error"


def test_an_oversized_body_is_a_413_problem_not_a_500(lenient_client):
    body = json.dumps({"email": "a" * 3_000_000 + "@example.test", "password": "x"})

    response = lenient_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert_problem(response, 413)


def test_json_nested_too_deeply_is_a_400_problem_not_a_500(as_user, clinician):
    deep = "[" * 100_000 + "]" * 100_000

    response = as_user(clinician).post("/api/v1/clients/", deep, content_type="application/json")

    assert_problem(response, 400)
    assert not Client.objects.exists()
