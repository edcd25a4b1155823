"""Changing staff at /api/v1/users/{id}/: a PATCH changes what it names and nothing else, within
the supervision rules; nobody changes their own role, and users are never replaced or deleted."""

import pytest

from api.auth.models import Role, User
from tests.api.conftest import stored, user_url
from tests.factories import AdminFactory, SupervisorFactory, UserFactory
from tests.helpers import assert_problem, login, new_user

pytestmark = pytest.mark.django_db


def test_patch_changes_what_it_names_and_nothing_else(admin_api, colleague, supervisor):
    before = stored(colleague)

    response = admin_api.patch(
        user_url(colleague),
        {
            "full_name": "Renamed Person",
            "email": "Renamed@Example.test",
            "supervisor": str(supervisor.pk),
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Renamed Person"
    after = stored(colleague)
    assert after["full_name"] == "Renamed Person"
    assert after["email"] == "renamed@example.test"
    assert after["supervisor_id"] == supervisor.pk
    assert after["updated_at"] > before["updated_at"]
    unchanged = {"id", "role", "practice_id", "is_active", "password", "created_at"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert login("renamed@example.test").status_code == 200


def test_patch_promotes_a_clinician_to_supervisor(admin_api, clinician):
    response = admin_api.patch(user_url(clinician), {"role": "supervisor"}, format="json")

    assert response.status_code == 200
    assert stored(clinician)["role"] == Role.SUPERVISOR


def test_patch_ignores_read_only_and_unknown_fields(admin_api, colleague, other_practice):
    before = stored(colleague)

    response = admin_api.patch(
        user_url(colleague),
        {
            "is_active": False,
            "practice": str(other_practice.pk),
            "password": "an-attacker-set-password",
            "id": "00000000-0000-0000-0000-000000000000",
        },
        format="json",
    )

    assert response.status_code == 200
    after = stored(colleague)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert login(colleague.email, "an-attacker-set-password").status_code == 401


def test_patch_to_a_taken_email_is_refused(admin_api, colleague, clinician):
    before = stored(colleague)

    response = admin_api.patch(
        user_url(colleague), {"email": clinician.email.title()}, format="json"
    )

    assert_problem(response, 400, "email")
    assert stored(colleague) == before


def supervisee(boss: User) -> User:
    return SupervisorFactory(practice=boss.practice, supervisor=boss)


# Unfit supervision changes, by name: each gives `(user, changes)` from the practice's
# `boss` (a supervisor) and another practice.
UNFIT_CHANGES = {
    "self": lambda boss, other: (boss, {"supervisor": boss}),
    "cycle": lambda boss, other: (boss, {"supervisor": supervisee(boss)}),
    "two-step cycle": lambda boss, other: (boss, {"supervisor": supervisee(supervisee(boss))}),
    "other practice": lambda boss, other: (
        supervisee(boss),
        {"supervisor": SupervisorFactory(practice=other)},
    ),
    "a clinician": lambda boss, other: (
        supervisee(boss),
        {"supervisor": UserFactory(practice=boss.practice)},
    ),
    "inactive": lambda boss, other: (
        supervisee(boss),
        {"supervisor": SupervisorFactory(practice=boss.practice, is_active=False)},
    ),
    "admin with a supervisor": lambda boss, other: (
        AdminFactory(practice=boss.practice),
        {"supervisor": boss},
    ),
    "made admin while supervised": lambda boss, other: (supervisee(boss), {"role": "admin"}),
}


@pytest.mark.parametrize("case", UNFIT_CHANGES)
def test_patch_to_an_unfit_supervisor_is_refused(admin_api, supervisor, other_practice, case):
    user, changes = UNFIT_CHANGES[case](supervisor, other_practice)
    body = {
        key: str(value.pk) if isinstance(value, User) else value for key, value in changes.items()
    }
    before = stored(user)

    response = admin_api.patch(user_url(user), body, format="json")

    assert_problem(response, 400, "supervisor")
    assert stored(user) == before


@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_a_supervisor_with_supervisees_keeps_the_role(admin_api, supervisor, clinician, role):
    response = admin_api.patch(user_url(supervisor), {"role": role}, format="json")

    assert_problem(response, 400, "role")
    assert stored(supervisor)["role"] == Role.SUPERVISOR


def test_a_supervisor_without_supervisees_may_change_role(admin_api, practice):
    lone = SupervisorFactory(practice=practice)

    response = admin_api.patch(user_url(lone), {"role": "clinician"}, format="json")

    assert response.status_code == 200
    assert stored(lone)["role"] == Role.CLINICIAN


def test_an_edit_that_leaves_supervision_alone_does_not_fail_on_the_supervisor(
    admin_api, supervisor, clinician
):
    assert admin_api.post(user_url(supervisor, "deactivate")).status_code == 200

    response = admin_api.patch(user_url(clinician), {"full_name": "Fixed Name"}, format="json")

    assert response.status_code == 200, response.content
    assert stored(clinician)["full_name"] == "Fixed Name"


def test_nobody_changes_their_own_role(admin_api, admin):
    response = admin_api.patch(user_url(admin), {"role": "clinician"}, format="json")

    assert_problem(response, 409)
    assert stored(admin)["role"] == Role.ADMIN


@pytest.mark.parametrize("method", ["put", "delete"])
def test_users_are_never_replaced_or_deleted(admin_api, colleague, method):
    before = stored(colleague)

    response = getattr(admin_api, method)(
        user_url(colleague), new_user(email=colleague.email), format="json"
    )

    assert_problem(response, 405)
    assert stored(colleague) == before
