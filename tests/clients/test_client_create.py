"""Creating client records: the defaults, presenting roots as given, who may create a client
for whom, and which staff may be named as a client's clinicians (on create and on update)."""

import pytest
from django.utils import timezone

from clients.models import Client, PresentingRoot
from tests.clients.conftest import CLIENTS, create_for, url
from tests.factories import AdminFactory, UserFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


def test_client_create_by_a_clinician_fills_in_the_defaults(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS, {"given_name": "Ada", "family_name": "Lovelace"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["primary_clinician"] == str(clinician.pk)
    assert body["intake_date"] == timezone.localdate().isoformat()
    assert body["status"] == "active"
    assert body["discharged_on"] is None
    assert body["care_team"] == []
    assert body["presenting_roots"] == []
    assert body["sessions_count"] == 0
    assert body["last_session_at"] is None
    stored = Client.objects.get(pk=body["id"])
    assert stored.practice == clinician.practice
    assert stored.primary_clinician == clinician
    assert stored.intake_date == timezone.localdate()
    assert stored.status == "active"


def test_client_create_stores_presenting_roots_as_given(clinician, as_user):
    roots = [
        {"root": "past_failures", "severity": 5, "is_primary": False, "note": "Exam, 2019."},
        {"root": "perfectionism", "severity": 3, "is_primary": True, "note": ""},
    ]

    response = as_user(clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "presenting_roots": roots}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["presenting_roots"] == roots
    stored = PresentingRoot.objects.filter(client_id=response.json()["id"]).order_by("root")
    assert list(stored.values_list("root", "severity", "is_primary", "note")) == [
        ("past_failures", 5, False, "Exam, 2019."),
        ("perfectionism", 3, True, ""),
    ]


def test_client_create_by_an_admin_must_name_the_primary_clinician(admin, as_user):
    response = as_user(admin).post(CLIENTS, {"given_name": "A", "family_name": "B"}, format="json")

    assert response.status_code == 400
    assert error_fields(response) == ["primary_clinician"]
    assert not Client.objects.exists()


def test_client_create_by_an_admin_naming_a_clinician_succeeds(admin, clinician, as_user):
    response = create_for(as_user(admin), clinician)

    assert response.status_code == 201, response.json()
    assert "presenting_roots" not in response.json()
    stored = Client.objects.get(pk=response.json()["id"])
    assert stored.primary_clinician == clinician
    assert stored.practice == admin.practice


def test_client_create_by_an_admin_with_presenting_roots_is_403_and_creates_nothing(
    admin, clinician, as_user
):
    response = as_user(admin).post(
        CLIENTS,
        {
            "given_name": "A",
            "family_name": "B",
            "primary_clinician": str(clinician.pk),
            "presenting_roots": [{"root": "perfectionism", "severity": 2, "is_primary": True}],
        },
        format="json",
    )

    assert response.status_code == 403
    assert not Client.objects.exists()


@pytest.fixture
def unsuitable(request, other_practice, practice):
    """Someone who may not be a client's clinician: by practice, role or being deactivated."""
    return {
        "another_practices_clinician": lambda: UserFactory(practice=other_practice),
        "an_admin": lambda: AdminFactory(practice=practice),
        "a_deactivated_clinician": lambda: UserFactory(practice=practice, is_active=False),
    }[request.param]()


@pytest.mark.parametrize(
    "unsuitable",
    ["another_practices_clinician", "an_admin", "a_deactivated_clinician"],
    indirect=True,
)
@pytest.mark.parametrize("field", ["primary_clinician", "care_team"])
def test_client_create_refuses_unsuitable_staff(field, unsuitable, admin, clinician, as_user):
    body = {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)}
    if field == "primary_clinician":
        body["primary_clinician"] = str(unsuitable.pk)
    else:
        body["care_team"] = [str(unsuitable.pk)]

    response = as_user(admin).post(CLIENTS, body, format="json")

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "unsuitable",
    ["another_practices_clinician", "an_admin", "a_deactivated_clinician"],
    indirect=True,
)
@pytest.mark.parametrize("field", ["primary_clinician", "care_team"])
def test_client_update_refuses_unsuitable_staff(
    field, unsuitable, client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)
    value = str(unsuitable.pk) if field == "primary_clinician" else [str(unsuitable.pk)]

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {field: value}, format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert client_snapshot(client_record) == before


def test_client_create_for_a_colleague_joining_the_care_team_succeeds(
    clinician, colleague, as_user
):
    response = as_user(colleague).post(
        CLIENTS,
        {
            "given_name": "A",
            "family_name": "B",
            "primary_clinician": str(clinician.pk),
            "care_team": [str(colleague.pk)],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    stored = Client.objects.get(pk=response.json()["id"])
    assert stored.primary_clinician == clinician
    assert list(stored.care_team.all()) == [colleague]


def test_client_create_for_a_colleague_without_joining_the_care_team_is_400(
    clinician, colleague, as_user
):
    response = create_for(as_user(colleague), clinician)

    assert response.status_code == 400
    assert error_fields(response) == ["care_team"]
    assert not Client.objects.exists()
