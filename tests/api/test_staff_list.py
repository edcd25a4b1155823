"""Looking at staff at /api/v1/users/: an admin lists their own practice's staff with email
addresses, clinical roles see colleagues without them; filters, cursor pages and a fixed query
count."""

import pytest

from api.auth.models import User
from tests.api.conftest import USERS_URL, ids, user_url
from tests.factories import SupervisorFactory, UserFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_admin_lists_the_staff_of_their_own_practice_only(
    admin_api, admin, supervisor, clinician, colleague, stranger, outsider
):
    response = admin_api.get(USERS_URL)

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


def test_admin_reads_email_addresses(admin_api, colleague):
    assert admin_api.get(user_url(colleague)).json()["email"] == colleague.email


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
    admin_api, admin, supervisor, clinician, colleague, practice, query, expected
):
    people = {
        "admin": admin,
        "supervisor": supervisor,
        "clinician": clinician,
        "colleague": colleague,
        "second_supervisor": SupervisorFactory(practice=practice),
        "retired": UserFactory(practice=practice, is_active=False),
    }

    response = admin_api.get(f"{USERS_URL}?{query}")

    assert response.status_code == 200
    assert ids(response) == {str(people[name].pk) for name in expected}


def test_an_unknown_role_filter_is_a_400_problem_naming_role(admin_api):
    assert_problem(admin_api.get(f"{USERS_URL}?role=root"), 400, "role")


def test_pages_follow_the_next_cursor_in_a_stable_order_without_repeats(admin_api, practice):
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
        page = admin_api.get(url).json()
        sizes.append(len(page["results"]))
        seen.extend(row["id"] for row in page["results"])
        url = page["next"]

    assert sizes == [3, 3, 1]
    assert seen == expected  # ordered by full name, then id; each row exactly once


def test_page_size_is_capped_at_200(admin_api, practice):
    User.objects.bulk_create(UserFactory.build_batch(205, practice=practice))

    first = admin_api.get(f"{USERS_URL}?page_size=1000").json()
    second = admin_api.get(first["next"]).json()

    assert len(first["results"]) == 200
    assert len(second["results"]) == 6  # 205 plus the admin
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_number_of_queries_however_many_rows(
    admin_api, practice, supervisor, rows, django_assert_num_queries
):
    UserFactory.create_batch(rows, practice=practice, supervisor=supervisor)

    with django_assert_num_queries(1):
        response = admin_api.get(USERS_URL)

    assert len(response.json()["results"]) == rows + 2
