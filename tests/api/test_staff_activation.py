"""Deactivating and reactivating staff at /api/v1/users/{id}/: a deactivated user is locked out,
an admin cannot deactivate themselves, and a reactivated user signs in afresh."""

import pytest

from tests.api.conftest import stored, user_url
from tests.factories import AdminFactory
from tests.helpers import assert_problem, bearer, login, refresh

pytestmark = pytest.mark.django_db


def test_deactivation_locks_the_user_out(admin_api, colleague):
    tokens = login(colleague.email).json()

    response = admin_api.post(user_url(colleague, "deactivate"))

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert stored(colleague)["is_active"] is False
    assert_problem(login(colleague.email), 401)
    assert_problem(refresh(tokens["refresh"]), 401)
    assert_problem(bearer(tokens["access"]).get("/api/v1/auth/me/"), 401)


def test_an_admin_cannot_deactivate_themselves(admin_api, admin):
    response = admin_api.post(user_url(admin, "deactivate"))

    problem = assert_problem(response, 409)
    assert problem["type"] == "urn:rootwise:problem:conflict"
    assert stored(admin)["is_active"] is True


def test_an_admin_may_deactivate_another_admin(admin_api, practice):
    other_admin = AdminFactory(practice=practice)

    assert admin_api.post(user_url(other_admin, "deactivate")).status_code == 200
    assert stored(other_admin)["is_active"] is False


def test_reactivation_lets_the_user_sign_in_again_but_not_with_old_tokens(admin_api, colleague):
    stale = login(colleague.email).json()
    admin_api.post(user_url(colleague, "deactivate"))

    response = admin_api.post(user_url(colleague, "reactivate"))

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert stored(colleague)["is_active"] is True
    assert login(colleague.email).status_code == 200
    # Whoever held the tokens from before the deactivation does not get back in with them.
    assert_problem(refresh(stale["refresh"]), 401)
