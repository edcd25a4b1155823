"""Bodies that are JSON by the grammar but not Unicode text: a string with a lone surrogate
escape (`"\\ud800"`) is a 400 problem on every endpoint, never a 500 further in."""

import pytest
from rest_framework.test import APIClient

from tests.helpers import TOKEN_URL, assert_problem

pytestmark = pytest.mark.django_db


def post_raw(client: APIClient, url: str, body: str, **extra):
    return client.post(url, body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\ud800@x", "password": "p"}',
        '{"\\ud800": 1, "email": "a@x", "password": "p"}',
    ],
    ids=["in a value", "in a key"],
)
def test_a_lone_surrogate_at_sign_in_is_a_400_problem(body):
    assert_problem(post_raw(APIClient(), TOKEN_URL, body), 400)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/clients/", '{"given_name": "A", "family_name": "B", "status": "\\ud800"}'),
        ("/api/v1/users/", '{"email": "n@x.test", "full_name": "N", "role": "\\udbff"}'),
    ],
)
def test_a_lone_surrogate_is_a_400_problem_on_every_endpoint(as_user, admin, url, body):
    """Choice fields echo the value refused, which could not then be encoded (a 500)."""
    assert_problem(post_raw(as_user(admin), url, body), 400)


def test_a_paired_surrogate_escape_is_ordinary_text(as_user, clinician):
    body = '{"given_name": "Ren\\ud83d\\ude00", "family_name": "Okafor"}'

    response = post_raw(as_user(clinician), "/api/v1/clients/", body)

    assert response.status_code == 201, response.content
    assert response.json()["given_name"] == "Ren\U0001f600"
