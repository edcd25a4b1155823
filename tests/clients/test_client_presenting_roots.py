"""A client's presenting roots: invalid ones refused whole on create and update, updates that
replace them, and the rules the database itself holds."""

import pytest
from django.db import transaction
from django.db.utils import IntegrityError

from clients.models import Client, PresentingRoot
from tests.clients.conftest import CLIENTS, ids, url
from tests.factories import ClientFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


PERFECTIONISM = {"root": "perfectionism", "severity": 3, "is_primary": True}


def root(code: str, severity, *, primary: bool = False) -> dict:
    # `is_primary` is always given here: leaving it out of a PATCH is a separate bug (below).
    return {"root": code, "severity": severity, "is_primary": primary}


INVALID_ROOTS = [
    pytest.param(
        [PERFECTIONISM, root("perfectionism", 2)], "presenting_roots.1.root", id="duplicate_root"
    ),
    pytest.param(
        [PERFECTIONISM, root("past_failures", 2, primary=True)],
        "presenting_roots.1.is_primary",
        id="two_primaries",
    ),
    pytest.param([root("impostor_syndrome", 3)], "presenting_roots.0.root", id="unknown_root"),
    pytest.param([root("perfectionism", 0)], "presenting_roots.0.severity", id="severity_0"),
    pytest.param([root("perfectionism", 6)], "presenting_roots.0.severity", id="severity_6"),
    pytest.param(
        [root("perfectionism", "high")], "presenting_roots.0.severity", id="severity_a_word"
    ),
    pytest.param(
        [root("perfectionism", 2.5)], "presenting_roots.0.severity", id="severity_a_fraction"
    ),
    pytest.param([root("perfectionism", None)], "presenting_roots.0.severity", id="severity_null"),
]


@pytest.mark.parametrize(("roots", "field"), INVALID_ROOTS)
def test_client_create_with_invalid_presenting_roots_is_400_and_creates_nothing(
    roots, field, clinician, as_user
):
    response = as_user(clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "presenting_roots": roots}, format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert not Client.objects.exists()
    assert not PresentingRoot.objects.exists()


def test_client_invalid_presenting_roots_answer_a_problem_document(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS,
        {
            "given_name": "A",
            "family_name": "B",
            "presenting_roots": [PERFECTIONISM, root("perfectionism", 9)],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:rootwise:problem:validation-error"
    assert problem["title"] == "Bad Request"
    assert problem["status"] == 400
    assert problem["detail"]
    [error] = problem["errors"]
    assert error["field"] == "presenting_roots.1.severity"
    assert error["code"] == "max_value"
    assert error["message"]


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize(("roots", "field"), INVALID_ROOTS)
def test_client_update_with_invalid_presenting_roots_is_400_and_changes_nothing(
    roots, field, method, client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)
    body = {
        "given_name": "Changed",
        "family_name": "Too",
        "phone": "555-0100",
        "presenting_roots": roots,
    }

    response = getattr(as_user(client_record.primary_clinician), method)(
        url(client_record), body, format="json"
    )

    assert response.status_code == 400
    assert error_fields(response) == [field]
    assert client_snapshot(client_record) == before


def test_client_update_replaces_the_presenting_roots_whole(client_record, as_user):
    roots = [
        {"root": "early_childhood", "severity": 2, "is_primary": False, "note": ""},
        {"root": "relationship_dynamics", "severity": 5, "is_primary": True, "note": "Partner."},
    ]

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"presenting_roots": roots}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["presenting_roots"] == roots
    assert sorted(client_record.presenting_roots.values_list("root", "severity", "is_primary")) == [
        ("early_childhood", 2, False),
        ("relationship_dynamics", 5, True),
    ]


def test_client_patch_of_presenting_roots_without_is_primary_uses_the_defaults(
    client_record, as_user
):
    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"presenting_roots": [{"root": "past_failures", "severity": 2}]},
        format="json",
    )

    assert response.status_code == 200
    assert list(client_record.presenting_roots.values_list("root", "is_primary", "note")) == [
        ("past_failures", False, "")
    ]


def test_client_patch_with_a_duplicate_root_without_is_primary_is_400(
    client_record, as_user, client_snapshot
):
    before = client_snapshot(client_record)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"presenting_roots": [{"root": "past_failures", "severity": 2}] * 2},
        format="json",
    )

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["presenting_roots.1.root"]
    assert client_snapshot(client_record) == before


def test_client_update_without_presenting_roots_keeps_them(client_record, as_user):
    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"phone": "555-0100"}, format="json"
    )

    assert response.status_code == 200
    assert list(client_record.presenting_roots.values_list("root", "severity", "is_primary")) == [
        ("perfectionism", 4, True)
    ]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param({"root": "perfectionism", "severity": 2}, id="same_root_twice"),
        pytest.param(
            {"root": "past_failures", "severity": 2, "is_primary": True}, id="second_primary"
        ),
        pytest.param({"root": "past_failures", "severity": 9}, id="severity_9"),
        pytest.param({"root": "past_failures", "severity": 0}, id="severity_0"),
        pytest.param({"root": "impostor_syndrome", "severity": 2}, id="unknown_root"),
    ],
)
def test_presenting_root_rules_hold_in_the_database(row, client_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        PresentingRoot.objects.create(client=client_record, **row)

    assert list(client_record.presenting_roots.values_list("root", "severity", "is_primary")) == [
        ("perfectionism", 4, True)
    ]


def test_two_primaries_in_one_bulk_write_are_refused_by_the_database(client_record):
    client_record.presenting_roots.all().delete()
    rows = [
        PresentingRoot(
            client=client_record,
            practice=client_record.practice,
            root=root,
            severity=2,
            is_primary=True,
        )
        for root in ("perfectionism", "past_failures")
    ]

    # PostgreSQL names the constraint; SQLite the column it keeps unique among primaries.
    with (
        pytest.raises(IntegrityError, match=r"one_primary|presentingroot\.client_id"),
        transaction.atomic(),
    ):
        PresentingRoot.objects.bulk_create(rows)


def test_client_list_filters_by_presenting_root(clinician, as_user):
    ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 3)])
    both = ClientFactory(
        primary_clinician=clinician, roots=[("perfectionism", 2), ("past_failures", 4)]
    )
    ClientFactory(primary_clinician=clinician)

    assert ids(as_user(clinician).get(CLIENTS, {"root": "past_failures"})) == [str(both.pk)]
