"""Creating staff at /api/v1/users/: an admin adds a user to their own practice who can then sign
in; duplicate emails, weak passwords, invalid roles, missing fields and unfit supervisors are
refused."""

import pytest

from api.auth.models import User
from tests.api.conftest import USERS_URL
from tests.factories import AdminFactory, SupervisorFactory, UserFactory
from tests.helpers import NEW_USER_PASSWORD, assert_problem, login, new_user

pytestmark = pytest.mark.django_db


def test_admin_creates_a_user_who_can_then_sign_in(admin_api, practice, supervisor):
    response = admin_api.post(
        USERS_URL,
        new_user(email="New.Person@Example.TEST", supervisor=str(supervisor.pk)),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body
    assert body["email"] == "new.person@example.test"
    assert body["role"] == "clinician"
    assert body["supervisor"] == str(supervisor.pk)
    assert body["is_active"] is True
    created = User.objects.get(pk=body["id"])
    assert created.email == "new.person@example.test"
    assert created.full_name == "New Person"
    assert created.practice == practice
    assert created.supervisor == supervisor
    assert created.password != NEW_USER_PASSWORD  # hashed
    assert login("new.person@example.test", NEW_USER_PASSWORD).status_code == 200


def test_a_new_user_always_joins_the_admins_practice_active(admin_api, practice, other_practice):
    body = new_user(practice=str(other_practice.pk), is_active=False, id="not-chosen-by-client")

    response = admin_api.post(USERS_URL, body, format="json")

    assert response.status_code == 201, response.content
    created = User.objects.get(email="new.person@example.test")
    assert created.practice == practice
    assert created.is_active is True


def test_a_duplicate_email_is_refused_whatever_its_case(admin_api, colleague):
    response = admin_api.post(USERS_URL, new_user(email=colleague.email.upper()), format="json")

    assert_problem(response, 400, "email")
    assert User.objects.filter(email__iexact=colleague.email).count() == 1


def test_an_email_taken_in_another_practice_is_refused_too(admin_api, outsider):
    response = admin_api.post(USERS_URL, new_user(email=outsider.email), format="json")

    assert_problem(response, 400, "email")
    assert User.objects.get(email=outsider.email) == outsider


@pytest.mark.parametrize(
    "password", ["short", "password123456", "1234567890123", "new.person@example.test"]
)
def test_a_weak_password_is_refused(admin_api, password):
    response = admin_api.post(USERS_URL, new_user(password=password), format="json")

    assert_problem(response, 400, "password")
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("role", ["superuser", "ADMIN", "", None])
def test_an_invalid_role_is_refused(admin_api, role):
    response = admin_api.post(USERS_URL, new_user(role=role), format="json")

    assert_problem(response, 400, "role")
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("missing", ["email", "full_name", "role", "password"])
def test_each_required_field_is_named_when_missing(admin_api, missing):
    body = new_user()
    del body[missing]

    response = admin_api.post(USERS_URL, body, format="json")

    assert_problem(response, 400, missing)
    assert User.objects.count() == 1  # the admin


# Unfit supervisors for a new user, by name: each gives `(role, supervisor)`.
UNFIT_FOR_NEW_USER = {
    "other practice": lambda practice, other: ("clinician", SupervisorFactory(practice=other)),
    "a clinician": lambda practice, other: ("clinician", UserFactory(practice=practice)),
    "an admin": lambda practice, other: ("clinician", AdminFactory(practice=practice)),
    "inactive": lambda practice, other: (
        "clinician",
        SupervisorFactory(practice=practice, is_active=False),
    ),
    "admin with a supervisor": lambda practice, other: (
        "admin",
        SupervisorFactory(practice=practice),
    ),
}


@pytest.mark.parametrize("case", UNFIT_FOR_NEW_USER)
def test_a_new_user_with_an_unfit_supervisor_is_refused(admin_api, practice, other_practice, case):
    role, supervisor = UNFIT_FOR_NEW_USER[case](practice, other_practice)

    response = admin_api.post(
        USERS_URL, new_user(role=role, supervisor=str(supervisor.pk)), format="json"
    )

    assert_problem(response, 400, "supervisor")
    assert not User.objects.filter(email="new.person@example.test").exists()
