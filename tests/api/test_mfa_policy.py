"""A practice that requires two-factor sign-in: staff without it reach only the enrolment
endpoints (and /auth/me/) until they set it up."""

import pytest
import yaml
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from api.auth.models import Practice
from tests.api.test_schema import SNAPSHOT
from tests.factories import TEST_PASSWORD
from tests.helpers import (
    assert_problem,
    bearer,
    enable_mfa,
    login,
    refresh,
    sign_in_with_mfa,
    totp_code,
)

pytestmark = pytest.mark.django_db

PRACTICE_URL = "/api/v1/practice/"
REQUIRED = "urn:rootwise:problem:mfa-enrolment-required"
# Everything but the enrolment endpoints and /auth/me/: records, staff, the practice, the
# audit trail, password change, and the parts of two-factor sign-in that need it on.
HELD_BACK = [
    ("get", "/api/v1/clients/"),
    ("post", "/api/v1/clients/"),
    ("get", "/api/v1/sessions/"),
    ("get", "/api/v1/users/"),
    ("get", "/api/v1/roots/"),
    ("get", PRACTICE_URL),
    ("patch", PRACTICE_URL),
    ("get", "/api/v1/audit-events/"),
    ("post", "/api/v1/auth/password/"),
    ("post", "/api/v1/auth/mfa/recovery-codes/"),
    ("post", "/api/v1/auth/mfa/disable/"),
]


@pytest.fixture
def required(practice) -> Practice:
    Practice.objects.filter(pk=practice.pk).update(mfa_required=True)
    return practice


def access_of(user) -> APIClient:
    response = login(user.email)
    assert set(response.json()) == {"access", "refresh"}, response.content
    return bearer(response.json()["access"])


def test_an_admin_requires_it_and_the_change_is_audited(admin, practice, as_user):
    response = as_user(admin).patch(PRACTICE_URL, {"mfa_required": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["mfa_required"] is True
    practice.refresh_from_db()
    assert practice.mfa_required is True
    event = AuditEvent.objects.get(object_type="practice")
    assert (event.action, event.actor, event.outcome) == ("update", admin, "success")


@pytest.mark.parametrize("role", ["clinician", "supervisor"])
def test_only_admins_require_it(role, request, practice, as_user):
    user = request.getfixturevalue(role)

    response = as_user(user).patch(PRACTICE_URL, {"mfa_required": True}, format="json")

    assert_problem(response, 403)
    practice.refresh_from_db()
    assert practice.mfa_required is False


@pytest.mark.parametrize(("method", "url"), HELD_BACK)
@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_without_it_everything_else_is_a_403_saying_so(required, role, request, method, url):
    api = access_of(request.getfixturevalue(role))

    response = getattr(api, method)(url, {}, format="json")

    problem = assert_problem(response, 403)
    assert problem["type"] == REQUIRED
    assert "/api/v1/auth/mfa/totp/" in problem["detail"]


def test_me_says_enrolment_is_required_and_enrolment_lifts_the_hold(required, clinician):
    api = access_of(clinician)
    me = api.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert (me.json()["mfa_enabled"], me.json()["mfa_enrolment_required"]) == (False, True)
    assert api.get("/api/v1/auth/mfa/").json()["required_by_practice"] is True

    secret = api.post("/api/v1/auth/mfa/totp/").json()["secret"]
    confirmed = api.post(
        "/api/v1/auth/mfa/totp/confirm/",
        {"code": totp_code(secret), "password": TEST_PASSWORD},
        format="json",
    )

    assert confirmed.status_code == 200, confirmed.content
    now_enrolled = bearer(confirmed.json()["access"])
    assert now_enrolled.get("/api/v1/clients/").status_code == 200
    assert now_enrolled.get("/api/v1/auth/me/").json()["mfa_enrolment_required"] is False


def test_refreshed_tokens_are_held_back_too(required, clinician):
    issued = login(clinician.email).json()

    rotated = refresh(issued["refresh"]).json()

    assert_problem(bearer(rotated["access"]).get("/api/v1/clients/"), 403)


def test_staff_who_sign_in_with_a_second_factor_are_not_held_back(required, clinician):
    enable_mfa(clinician)

    api = bearer(sign_in_with_mfa(clinician)["access"])

    assert api.get("/api/v1/clients/").status_code == 200
    assert api.get("/api/v1/auth/me/").json()["mfa_enrolment_required"] is False


def test_the_hold_applies_from_the_next_request_and_lifts_with_the_policy(
    practice, clinician, as_user
):
    api = access_of(clinician)
    assert api.get("/api/v1/clients/").status_code == 200

    Practice.objects.filter(pk=practice.pk).update(mfa_required=True)
    assert_problem(api.get("/api/v1/clients/"), 403)

    Practice.objects.filter(pk=practice.pk).update(mfa_required=False)
    assert api.get("/api/v1/clients/").status_code == 200


def test_another_practices_policy_holds_no_one_here(other_practice, clinician):
    Practice.objects.filter(pk=other_practice.pk).update(mfa_required=True)

    assert access_of(clinician).get("/api/v1/clients/").status_code == 200


def test_the_schema_declares_the_refusal_where_it_can_happen():
    schema = yaml.safe_load(SNAPSHOT.read_text())
    paths = schema["paths"]

    held = paths["/api/v1/roots/"]["get"]["responses"]
    assert "mfa-enrolment-required" in held["403"]["description"]
    for open_path in ("/api/v1/auth/me/", "/api/v1/auth/mfa/"):
        assert "403" not in paths[open_path]["get"]["responses"], open_path
    for path, item in paths.items():
        for method, operation in item.items():
            if {"jwtAuth": []} in operation.get("security", ()) and path not in (
                "/api/v1/auth/me/",
                "/api/v1/auth/mfa/",
                "/api/v1/auth/mfa/totp/",
                "/api/v1/auth/mfa/totp/confirm/",
            ):
                assert "mfa-enrolment-required" in str(operation["responses"]["403"]), (
                    path,
                    method,
                )
