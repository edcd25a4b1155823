"""Who may change staff at /api/v1/users/: clinical roles may only look, and nobody outside the
practice can see that our staff exist."""

import uuid

import pytest

from api.auth.models import User
from tests.api.conftest import USERS_URL, ids, stored, user_url
from tests.factories import SupervisorFactory, UserFactory
from tests.helpers import assert_problem, new_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def retired(practice) -> User:
    """A deactivated clinician of the practice."""
    return UserFactory(practice=practice, is_active=False)


# Every staff write, by name: each gives `(method, url, body)` aimed at `target`.
STAFF_WRITES = {
    "create": lambda target: ("post", USERS_URL, new_user()),
    "rename": lambda target: ("patch", user_url(target), {"full_name": "Changed"}),
    "promote to admin": lambda target: ("patch", user_url(target), {"role": "admin"}),
    "deactivate": lambda target: ("post", user_url(target, "deactivate"), None),
}


@pytest.mark.parametrize("write", STAFF_WRITES)
@pytest.mark.parametrize("target_name", ["colleague", "self"])
def test_clinical_roles_cannot_change_staff(as_user, clinical_user, colleague, write, target_name):
    target = clinical_user if target_name == "self" else colleague
    method, url, body = STAFF_WRITES[write](target)
    before = {user.pk: stored(user) for user in (clinical_user, colleague)}
    count = User.objects.count()

    response = getattr(as_user(clinical_user), method)(url, body, format="json")

    assert_problem(response, 403)
    assert {user.pk: stored(user) for user in (clinical_user, colleague)} == before
    assert User.objects.count() == count


def test_clinical_roles_cannot_reactivate_anyone(as_user, clinical_user, retired):
    response = as_user(clinical_user).post(user_url(retired, "reactivate"))

    assert_problem(response, 403)
    assert stored(retired)["is_active"] is False


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", "", None),
        ("patch", "", {"full_name": "Taken Over", "role": "admin"}),
        ("post", "deactivate", None),
        ("post", "reactivate", None),
    ],
)
@pytest.mark.parametrize("target_name", ["admin", "clinician", "retired"])
def test_another_practices_admin_gets_404_for_our_staff(
    request, as_user, stranger, method, action, body, target_name
):
    target = request.getfixturevalue(target_name)
    before = stored(target)

    response = getattr(as_user(stranger), method)(user_url(target, action), body, format="json")

    assert_problem(response, 404)
    assert stored(target) == before


def test_another_practices_admin_cannot_list_our_staff(as_user, stranger, admin, clinician):
    response = as_user(stranger).get(USERS_URL)

    assert ids(response) == {str(stranger.pk)}


def test_another_practices_user_as_supervisor_looks_exactly_like_no_such_user(
    admin_api, clinician, other_practice
):
    """The error must not tell an admin that an id exists in another practice."""
    theirs = str(SupervisorFactory(practice=other_practice).pk)
    nobody = str(uuid.uuid4())
    before = stored(clinician)

    answers = {
        pk: admin_api.patch(user_url(clinician), {"supervisor": pk}, format="json")
        for pk in (theirs, nobody)
    }

    assert_problem(answers[theirs], 400, "supervisor")
    assert answers[theirs].content.decode() == answers[nobody].content.decode().replace(
        nobody, theirs
    )
    assert stored(clinician) == before
