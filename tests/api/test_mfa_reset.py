"""An admin resets a colleague's two-factor sign-in (a lost phone): audited, within the practice
only, admins only."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from api.audit.models import AuditEvent
from api.auth.mfa import recovery
from api.auth.models import RecoveryCode, TotpDevice, User
from tests.access import MISSING, Write, WriteAccess, stored_rows
from tests.factories import AdminFactory
from tests.helpers import assert_problem, enable_mfa, login, refresh, sign_in_with_mfa

pytestmark = pytest.mark.django_db

RESET = "/api/v1/users/{id}/reset-mfa/"


def with_mfa(user) -> User:
    enable_mfa(user)
    recovery.replace_all(user=user)
    return user


@pytest.fixture
def mfa_stranger(other_practice) -> User:
    """An admin of another practice who signs in with a second factor (real tokens)."""
    user = AdminFactory(practice=other_practice)
    enable_mfa(user)
    return user


class TestResetAccess(WriteAccess):
    """Admins of another practice get the 404 of a missing user; everyone else who is not an
    admin gets the 403 of their role (below), before any user is looked up."""

    models = (User, TotpDevice, RecoveryCode)
    no_access = ("stranger", "mfa_stranger")
    readers = ("admin", "supervisor", "clinician")
    writes = {"reset": Write("post", RESET)}
    may_write = {"admin": {"reset"}}

    @pytest.fixture
    def record(self, colleague):
        return with_mfa(colleague)

    def keys(self, record) -> dict[str, str]:
        return {"id": str(record.pk)}


@pytest.mark.parametrize("who", ["outsider", "mfa_outsider"])
def test_a_non_admin_elsewhere_gets_the_refusal_a_missing_user_gets(
    who, request, colleague, as_user
):
    with_mfa(colleague)
    api = as_user(request.getfixturevalue(who))
    before = stored_rows(TestResetAccess.models)

    response = api.post(RESET.format(id=colleague.pk))

    assert assert_problem(response, 403)["type"] == "urn:rootwise:problem:permission-denied"
    assert response.json() == api.post(RESET.format(id=MISSING)).json()
    assert stored_rows(TestResetAccess.models) == before


def test_a_reset_forgets_the_second_factor_and_ends_the_users_sessions(admin, colleague, as_user):
    with_mfa(colleague)
    issued = sign_in_with_mfa(colleague)

    response = as_user(admin).post(RESET.format(id=colleague.pk))

    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(colleague.pk)
    assert response.json()["mfa_enabled"] is False
    assert not TotpDevice.objects.filter(user=colleague).exists()
    assert not RecoveryCode.objects.filter(user=colleague).exists()
    assert_problem(refresh(issued["refresh"]), 401)
    assert set(login(colleague.email).json()) == {"access", "refresh"}
    event = AuditEvent.objects.get(action="mfa_reset")
    assert (event.actor, event.object_id, event.outcome) == (admin, str(colleague.pk), "success")


def test_a_reset_also_drops_a_pending_enrolment(admin, colleague, as_user):
    TotpDevice.objects.create(user=colleague, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    assert as_user(admin).post(RESET.format(id=colleague.pk)).status_code == 200

    assert not TotpDevice.objects.filter(user=colleague).exists()


def test_admins_do_not_reset_their_own(admin, as_user):
    with_mfa(admin)

    response = as_user(admin).post(RESET.format(id=admin.pk))

    assert_problem(response, 409)
    assert TotpDevice.objects.filter(user=admin).exists()
    assert RecoveryCode.objects.filter(user=admin).count() == recovery.COUNT


def test_refused_resets_are_audited(clinician, colleague, as_user):
    with_mfa(colleague)

    assert_problem(as_user(clinician).post(RESET.format(id=colleague.pk)), 403)

    event = AuditEvent.objects.get(action="mfa_reset")
    assert (event.actor, event.outcome, event.status_code) == (clinician, "denied", 403)
    assert not OutstandingToken.objects.filter(user=colleague).exists()
