"""Staff management at /api/v1/users/: admins run it, everyone else may only look, and nobody
outside the practice can see that our staff exist."""

import uuid

import pytest
from rest_framework.test import APIClient

from api.auth.models import Role, User
from tests.factories import AdminFactory, SupervisorFactory, UserFactory
from tests.helpers import NEW_USER_PASSWORD, assert_problem, bearer, login, new_user, refresh

pytestmark = pytest.mark.django_db

USERS_URL = "/api/v1/users/"


def user_url(user: User, action: str = "") -> str:
    return f"{USERS_URL}{user.pk}/" + (f"{action}/" if action else "")


def stored(user: User) -> dict:
    """Every stored column of `user`, to compare before and after a refused request."""
    return User.objects.values().get(pk=user.pk)


def ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def admin_client(admin, as_user) -> APIClient:
    return as_user(admin)


@pytest.fixture(params=["clinician", "supervisor"])
def clinical_user(request) -> User:
    """Each role that may look at staff but not change them."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider(other_practice) -> User:
    return UserFactory(practice=other_practice)


@pytest.fixture
def retired(practice) -> User:
    """A deactivated clinician of the practice."""
    return UserFactory(practice=practice, is_active=False)


# Reading.


def test_admin_lists_the_staff_of_their_own_practice_only(
    admin_client, admin, supervisor, clinician, colleague, stranger, outsider
):
    response = admin_client.get(USERS_URL)

    assert response.status_code == 200
    assert ids(response) == {str(u.pk) for u in (admin, supervisor, clinician, colleague)}
    by_id = {row["id"]: row for row in response.json()["results"]}
    assert by_id[str(clinician.pk)] == {
        "id": str(clinician.pk),
        "email": clinician.email,
        "full_name": clinician.full_name,
        "role": "clinician",
        "supervisor": str(supervisor.pk),
        "is_active": True,
        "mfa_enabled": False,
        "created_at": by_id[str(clinician.pk)]["created_at"],
        "updated_at": by_id[str(clinician.pk)]["updated_at"],
    }


def test_clinical_roles_see_colleagues_but_not_their_email_addresses(
    as_user, clinical_user, admin, supervisor, clinician, colleague, outsider
):
    client = as_user(clinical_user)

    listed = client.get(USERS_URL)
    retrieved = client.get(user_url(colleague))

    assert listed.status_code == 200
    assert ids(listed) == {str(u.pk) for u in (admin, supervisor, clinician, colleague)}
    assert all("email" not in row for row in listed.json()["results"])
    assert retrieved.status_code == 200
    assert retrieved.json()["full_name"] == colleague.full_name
    assert "email" not in retrieved.json()
    assert colleague.email not in retrieved.content.decode()


def test_admin_reads_email_addresses(admin_client, colleague):
    assert admin_client.get(user_url(colleague)).json()["email"] == colleague.email


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=supervisor", {"supervisor", "second_supervisor"}),
        ("role=admin", {"admin"}),
        ("is_active=false", {"retired"}),
        ("role=clinician&is_active=true", {"clinician", "colleague"}),
    ],
)
def test_list_filters_by_role_and_is_active(
    admin_client, admin, supervisor, clinician, colleague, practice, query, expected
):
    people = {
        "admin": admin,
        "supervisor": supervisor,
        "clinician": clinician,
        "colleague": colleague,
        "second_supervisor": SupervisorFactory(practice=practice),
        "retired": UserFactory(practice=practice, is_active=False),
    }

    response = admin_client.get(f"{USERS_URL}?{query}")

    assert response.status_code == 200
    assert ids(response) == {str(people[name].pk) for name in expected}


def test_an_unknown_role_filter_is_a_400_problem_naming_role(admin_client):
    assert_problem(admin_client.get(f"{USERS_URL}?role=root"), 400, "role")


def test_pages_follow_the_next_cursor_in_a_stable_order_without_repeats(admin_client, practice):
    UserFactory.create_batch(6, practice=practice)
    expected = [
        str(pk)
        for pk in User.objects.filter(practice=practice)
        .order_by("full_name", "id")
        .values_list("pk", flat=True)
    ]
    assert len(expected) == 7

    seen, sizes, url = [], [], f"{USERS_URL}?page_size=3"
    while url:
        page = admin_client.get(url).json()
        sizes.append(len(page["results"]))
        seen.extend(row["id"] for row in page["results"])
        url = page["next"]

    assert sizes == [3, 3, 1]
    assert seen == expected  # ordered by full name, then id; each row exactly once


def test_page_size_is_capped_at_200(admin_client, practice):
    User.objects.bulk_create(UserFactory.build_batch(205, practice=practice))

    first = admin_client.get(f"{USERS_URL}?page_size=1000").json()
    second = admin_client.get(first["next"]).json()

    assert len(first["results"]) == 200
    assert len(second["results"]) == 6  # 205 plus the admin
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_number_of_queries_however_many_rows(
    admin_client, practice, supervisor, rows, django_assert_num_queries
):
    UserFactory.create_batch(rows, practice=practice, supervisor=supervisor)

    with django_assert_num_queries(1):
        response = admin_client.get(USERS_URL)

    assert len(response.json()["results"]) == rows + 2


# Creating.


def test_admin_creates_a_user_who_can_then_sign_in(admin_client, practice, supervisor):
    response = admin_client.post(
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


def test_a_new_user_always_joins_the_admins_practice_active(admin_client, practice, other_practice):
    body = new_user(practice=str(other_practice.pk), is_active=False, id="not-chosen-by-client")

    response = admin_client.post(USERS_URL, body, format="json")

    assert response.status_code == 201, response.content
    created = User.objects.get(email="new.person@example.test")
    assert created.practice == practice
    assert created.is_active is True


def test_a_duplicate_email_is_refused_whatever_its_case(admin_client, colleague):
    response = admin_client.post(USERS_URL, new_user(email=colleague.email.upper()), format="json")

    assert_problem(response, 400, "email")
    assert User.objects.filter(email__iexact=colleague.email).count() == 1


def test_an_email_taken_in_another_practice_is_refused_too(admin_client, outsider):
    response = admin_client.post(USERS_URL, new_user(email=outsider.email), format="json")

    assert_problem(response, 400, "email")
    assert User.objects.get(email=outsider.email) == outsider


@pytest.mark.parametrize(
    "password", ["short", "password123456", "1234567890123", "new.person@example.test"]
)
def test_a_weak_password_is_refused(admin_client, password):
    response = admin_client.post(USERS_URL, new_user(password=password), format="json")

    assert_problem(response, 400, "password")
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("role", ["superuser", "ADMIN", "", None])
def test_an_invalid_role_is_refused(admin_client, role):
    response = admin_client.post(USERS_URL, new_user(role=role), format="json")

    assert_problem(response, 400, "role")
    assert not User.objects.filter(email="new.person@example.test").exists()


@pytest.mark.parametrize("missing", ["email", "full_name", "role", "password"])
def test_each_required_field_is_named_when_missing(admin_client, missing):
    body = new_user()
    del body[missing]

    response = admin_client.post(USERS_URL, body, format="json")

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
def test_a_new_user_with_an_unfit_supervisor_is_refused(
    admin_client, practice, other_practice, case
):
    role, supervisor = UNFIT_FOR_NEW_USER[case](practice, other_practice)

    response = admin_client.post(
        USERS_URL, new_user(role=role, supervisor=str(supervisor.pk)), format="json"
    )

    assert_problem(response, 400, "supervisor")
    assert not User.objects.filter(email="new.person@example.test").exists()


# Changing.


def test_patch_changes_what_it_names_and_nothing_else(admin_client, colleague, supervisor):
    before = stored(colleague)

    response = admin_client.patch(
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


def test_patch_promotes_a_clinician_to_supervisor(admin_client, clinician):
    response = admin_client.patch(user_url(clinician), {"role": "supervisor"}, format="json")

    assert response.status_code == 200
    assert stored(clinician)["role"] == Role.SUPERVISOR


def test_patch_ignores_read_only_and_unknown_fields(admin_client, colleague, other_practice):
    before = stored(colleague)

    response = admin_client.patch(
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


def test_patch_to_a_taken_email_is_refused(admin_client, colleague, clinician):
    before = stored(colleague)

    response = admin_client.patch(
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
def test_patch_to_an_unfit_supervisor_is_refused(admin_client, supervisor, other_practice, case):
    user, changes = UNFIT_CHANGES[case](supervisor, other_practice)
    body = {
        key: str(value.pk) if isinstance(value, User) else value for key, value in changes.items()
    }
    before = stored(user)

    response = admin_client.patch(user_url(user), body, format="json")

    assert_problem(response, 400, "supervisor")
    assert stored(user) == before


@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_a_supervisor_with_supervisees_keeps_the_role(admin_client, supervisor, clinician, role):
    response = admin_client.patch(user_url(supervisor), {"role": role}, format="json")

    assert_problem(response, 400, "role")
    assert stored(supervisor)["role"] == Role.SUPERVISOR


def test_a_supervisor_without_supervisees_may_change_role(admin_client, practice):
    lone = SupervisorFactory(practice=practice)

    response = admin_client.patch(user_url(lone), {"role": "clinician"}, format="json")

    assert response.status_code == 200
    assert stored(lone)["role"] == Role.CLINICIAN


def test_an_edit_that_leaves_supervision_alone_does_not_fail_on_the_supervisor(
    admin_client, supervisor, clinician
):
    assert admin_client.post(user_url(supervisor, "deactivate")).status_code == 200

    response = admin_client.patch(user_url(clinician), {"full_name": "Fixed Name"}, format="json")

    assert response.status_code == 200, response.content
    assert stored(clinician)["full_name"] == "Fixed Name"


def test_nobody_changes_their_own_role(admin_client, admin):
    response = admin_client.patch(user_url(admin), {"role": "clinician"}, format="json")

    assert_problem(response, 409)
    assert stored(admin)["role"] == Role.ADMIN


@pytest.mark.parametrize("method", ["put", "delete"])
def test_users_are_never_replaced_or_deleted(admin_client, colleague, method):
    before = stored(colleague)

    response = getattr(admin_client, method)(
        user_url(colleague), new_user(email=colleague.email), format="json"
    )

    assert_problem(response, 405)
    assert stored(colleague) == before


# Deactivating and reactivating.


def test_deactivation_locks_the_user_out(admin_client, colleague):
    tokens = login(colleague.email).json()

    response = admin_client.post(user_url(colleague, "deactivate"))

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert stored(colleague)["is_active"] is False
    assert_problem(login(colleague.email), 401)
    assert_problem(refresh(tokens["refresh"]), 401)
    assert_problem(bearer(tokens["access"]).get("/api/v1/auth/me/"), 401)


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(user_url(admin, "deactivate"))

    problem = assert_problem(response, 409)
    assert problem["type"] == "urn:rootwise:problem:conflict"
    assert stored(admin)["is_active"] is True


def test_an_admin_may_deactivate_another_admin(admin_client, practice):
    other_admin = AdminFactory(practice=practice)

    assert admin_client.post(user_url(other_admin, "deactivate")).status_code == 200
    assert stored(other_admin)["is_active"] is False


def test_reactivation_lets_the_user_sign_in_again_but_not_with_old_tokens(admin_client, colleague):
    stale = login(colleague.email).json()
    admin_client.post(user_url(colleague, "deactivate"))

    response = admin_client.post(user_url(colleague, "reactivate"))

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert stored(colleague)["is_active"] is True
    assert login(colleague.email).status_code == 200
    # Whoever held the tokens from before the deactivation does not get back in with them.
    assert_problem(refresh(stale["refresh"]), 401)


# What other roles and other practices cannot do.


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
    admin_client, clinician, other_practice
):
    """The error must not tell an admin that an id exists in another practice."""
    theirs = str(SupervisorFactory(practice=other_practice).pk)
    nobody = str(uuid.uuid4())
    before = stored(clinician)

    answers = {
        pk: admin_client.patch(user_url(clinician), {"supervisor": pk}, format="json")
        for pk in (theirs, nobody)
    }

    assert_problem(answers[theirs], 400, "supervisor")
    assert answers[theirs].content.decode() == answers[nobody].content.decode().replace(
        nobody, theirs
    )
    assert stored(clinician) == before
