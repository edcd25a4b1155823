"""Values of the wrong kind: wrong JSON types, strings where numbers or booleans belong, NUL
characters and over-long strings are 400 problems naming the field, never coerced, nothing
changed.

One error format everywhere: RFC 9457 problem details for every 4xx and 5xx, never a stack
trace, never a 500 for a bad request (`tests.helpers.assert_problem` checks the format)."""

import pytest

from api.auth.models import User
from clients.models import Client
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db


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
def test_wrong_types_in_a_new_user_are_400_naming_the_field(admin_api, field, value):
    response = admin_api.post("/api/v1/users/", new_user(**{field: value}), format="json")

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
    admin_api, colleague, field, value
):
    before = User.objects.values().get(pk=colleague.pk)

    response = admin_api.patch(f"/api/v1/users/{colleague.pk}/", {field: value}, format="json")

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
