"""Client records: creating, changing, discharging, deleting, finding and listing them."""

import base64
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from clients.models import Client, PresentingRoot
from tests.factories import AdminFactory, ClientFactory, SessionFactory, UserFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"


def url(client) -> str:
    return f"{CLIENTS}{client.pk}/"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def every_page(api, first_url: str) -> list[str]:
    """Follow `next` from the first page to the last, collecting ids in order."""
    seen, next_url = [], first_url
    while next_url:
        response = api.get(next_url)
        assert response.status_code == 200, response.json()
        seen += [row["id"] for row in response.json()["results"]]
        next_url = response.json()["next"]
    return seen


# --- create ------------------------------------------------------------------------------------


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
    response = as_user(admin).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)},
        format="json",
    )

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
    response = as_user(colleague).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "primary_clinician": str(clinician.pk)},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["care_team"]
    assert not Client.objects.exists()


# --- presenting roots: refused whole -----------------------------------------------------------

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


# --- the same rules in the database ------------------------------------------------------------


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
        PresentingRoot(client=client_record, root="perfectionism", severity=2, is_primary=True),
        PresentingRoot(client=client_record, root="past_failures", severity=2, is_primary=True),
    ]

    with pytest.raises(IntegrityError), transaction.atomic():
        PresentingRoot.objects.bulk_create(rows)


def test_external_id_is_unique_in_a_practice_in_the_database(client_record):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-1")
    duplicate = ClientFactory.build(
        primary_clinician=client_record.primary_clinician, external_id="MRN-1"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    ("status", "discharged_on"),
    [("discharged", None), ("active", date(2025, 1, 1))],
)
def test_discharge_date_matches_status_in_the_database(status, discharged_on, client_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=client_record.pk).update(
            status=status, discharged_on=discharged_on
        )


# --- discharge and re-admission ----------------------------------------------------------------


def test_client_discharge_sets_the_date_to_today_and_readmission_clears_it(client_record, as_user):
    api = as_user(client_record.primary_clinician)

    discharged = api.patch(url(client_record), {"status": "discharged"}, format="json")

    assert discharged.status_code == 200, discharged.json()
    assert discharged.json()["discharged_on"] == timezone.localdate().isoformat()
    client_record.refresh_from_db()
    assert client_record.discharged_on == timezone.localdate()

    readmitted = api.patch(url(client_record), {"status": "active"}, format="json")

    assert readmitted.status_code == 200, readmitted.json()
    assert readmitted.json()["discharged_on"] is None
    client_record.refresh_from_db()
    assert (client_record.status, client_record.discharged_on) == ("active", None)


def test_client_discharge_keeps_a_given_date(client_record, as_user):
    day = client_record.intake_date + timedelta(days=3)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"status": "discharged", "discharged_on": day.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    client_record.refresh_from_db()
    assert client_record.discharged_on == day


def test_client_created_discharged_gets_todays_date(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "status": "discharged"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Client.objects.get().discharged_on == timezone.localdate()


def test_client_create_active_with_a_discharge_date_is_400(clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS,
        {"given_name": "A", "family_name": "B", "discharged_on": "2025-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    assert not Client.objects.exists()


def test_client_update_active_with_a_discharge_date_is_400(client_record, as_user, client_snapshot):
    before = client_snapshot(client_record)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"given_name": "Changed", "discharged_on": timezone.localdate().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    assert client_snapshot(client_record) == before


def test_client_discharge_before_intake_is_400(client_record, as_user):
    day = client_record.intake_date - timedelta(days=1)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record),
        {"status": "discharged", "discharged_on": day.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]
    client_record.refresh_from_db()
    assert client_record.status == "active"


def test_client_clearing_the_discharge_date_of_a_discharged_client_is_400(client_record, as_user):
    api = as_user(client_record.primary_clinician)
    assert api.patch(url(client_record), {"status": "discharged"}, format="json").status_code == 200

    response = api.patch(url(client_record), {"discharged_on": None}, format="json")

    assert response.status_code == 400
    assert error_fields(response) == ["discharged_on"]


# --- external id -------------------------------------------------------------------------------


def test_client_external_id_taken_in_the_practice_is_a_conflict_on_create(client_record, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(client_record.primary_clinician).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "external_id": "MRN-7"}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["external_id"]
    assert Client.objects.count() == 1


def test_client_external_id_taken_in_the_practice_is_a_conflict_on_update(
    client_record, as_user, client_snapshot
):
    ClientFactory(primary_clinician=client_record.primary_clinician, external_id="MRN-7")
    before = client_snapshot(client_record)

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"external_id": "MRN-7", "given_name": "Changed"}, format="json"
    )

    assert response.status_code == 409
    assert error_fields(response) == ["external_id"]
    assert client_snapshot(client_record) == before


def test_client_keeping_its_own_external_id_is_fine(client_record, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(client_record.primary_clinician).patch(
        url(client_record), {"external_id": "MRN-7", "phone": "555-0100"}, format="json"
    )

    assert response.status_code == 200, response.json()


def test_client_external_id_of_another_practice_is_free_to_use(client_record, outsider, as_user):
    Client.objects.filter(pk=client_record.pk).update(external_id="MRN-7")

    response = as_user(outsider).post(
        CLIENTS, {"given_name": "A", "family_name": "B", "external_id": "MRN-7"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert Client.objects.filter(external_id="MRN-7").count() == 2


def test_client_without_external_id_may_be_many(clinician, as_user):
    api = as_user(clinician)
    for name in ("One", "Two"):
        response = api.post(
            CLIENTS, {"given_name": name, "family_name": "B", "external_id": ""}, format="json"
        )
        assert response.status_code == 201, response.json()


# --- delete ------------------------------------------------------------------------------------


def test_client_delete_with_sessions_is_409_and_keeps_the_client(session_record, as_user):
    client = session_record.client

    response = as_user(client.primary_clinician).delete(url(client))

    assert response.status_code == 409
    assert response.json()["type"] == "urn:rootwise:problem:conflict"
    assert Client.objects.filter(pk=client.pk).exists()
    assert client.sessions.get() == session_record


def test_client_delete_without_records_is_204_and_removes_it(client_record, as_user):
    response = as_user(client_record.primary_clinician).delete(url(client_record))

    assert response.status_code == 204
    assert not Client.objects.filter(pk=client_record.pk).exists()
    assert not PresentingRoot.objects.filter(client_id=client_record.pk).exists()


# --- filters, search, ordering -----------------------------------------------------------------


def test_client_list_filters_by_status(clinician, as_user):
    active = ClientFactory(primary_clinician=clinician)
    gone = ClientFactory(
        primary_clinician=clinician, status="discharged", discharged_on=timezone.localdate()
    )
    api = as_user(clinician)

    assert ids(api.get(CLIENTS, {"status": "active"})) == [str(active.pk)]
    assert ids(api.get(CLIENTS, {"status": "discharged"})) == [str(gone.pk)]


def test_client_list_filters_by_clinician_on_the_caseload(admin, clinician, colleague, as_user):
    own = ClientFactory(primary_clinician=clinician, family_name="A")
    shared = ClientFactory(primary_clinician=colleague, care_team=[clinician], family_name="B")
    theirs = ClientFactory(primary_clinician=colleague, family_name="C")
    api = as_user(admin)

    assert ids(api.get(CLIENTS, {"clinician": str(clinician.pk)})) == [str(own.pk), str(shared.pk)]
    assert ids(api.get(CLIENTS, {"clinician": str(colleague.pk)})) == [
        str(shared.pk),
        str(theirs.pk),
    ]


def test_client_list_filters_by_presenting_root(clinician, as_user):
    ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 3)])
    both = ClientFactory(
        primary_clinician=clinician, roots=[("perfectionism", 2), ("past_failures", 4)]
    )
    ClientFactory(primary_clinician=clinician)

    assert ids(as_user(clinician).get(CLIENTS, {"root": "past_failures"})) == [str(both.pk)]


def test_client_list_refuses_an_unknown_root_filter(clinician, as_user):
    response = as_user(clinician).get(CLIENTS, {"root": "impostor_syndrome"})

    assert response.status_code == 400
    assert error_fields(response) == ["root"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ada", ["ada", "adam"]),
        ("LOVEL", ["ada"]),
        ("ada love", ["ada"]),
        ("countess", ["ada"]),
        ("hop", ["grace"]),
        ("mrn-42", ["ada"]),
        ("MRN-4", []),
        ("nobody", []),
    ],
)
def test_client_list_searches_names_and_external_id(search, expected, clinician, as_user):
    clients = {
        "ada": ClientFactory(
            primary_clinician=clinician,
            given_name="Ada",
            family_name="Lovelace",
            preferred_name="Countess",
            external_id="MRN-42",
        ),
        "grace": ClientFactory(
            primary_clinician=clinician, given_name="Grace", family_name="Hopper"
        ),
        "adam": ClientFactory(primary_clinician=clinician, given_name="Adam", family_name="Smith"),
    }

    found = ids(as_user(clinician).get(CLIENTS, {"search": search}))

    assert sorted(found) == sorted(str(clients[name].pk) for name in expected)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["adams", "brown", "clark"]),
        ("family_name", ["adams", "brown", "clark"]),
        ("-family_name", ["clark", "brown", "adams"]),
        ("given_name", ["clark", "adams", "brown"]),
        ("intake_date", ["adams", "clark", "brown"]),
        ("-intake_date", ["brown", "clark", "adams"]),
        ("created_at", ["brown", "adams", "clark"]),
        ("-created_at", ["clark", "adams", "brown"]),
    ],
)
def test_client_list_ordering(ordering, expected, clinician, as_user):
    clients = {
        "brown": ClientFactory(
            primary_clinician=clinician,
            family_name="Brown",
            given_name="Zed",
            intake_date=date(2025, 3, 1),
        ),
        "adams": ClientFactory(
            primary_clinician=clinician,
            family_name="Adams",
            given_name="Yan",
            intake_date=date(2025, 1, 1),
        ),
        "clark": ClientFactory(
            primary_clinician=clinician,
            family_name="Clark",
            given_name="Abe",
            intake_date=date(2025, 2, 1),
        ),
    }
    params = {"ordering": ordering} if ordering else {}

    found = ids(as_user(clinician).get(CLIENTS, params))

    assert found == [str(clients[name].pk) for name in expected]


# --- the clinical summary ----------------------------------------------------------------------


def test_client_sessions_count_and_last_session_reflect_completed_sessions_only(
    client_record, as_user
):
    def at(day: int) -> datetime:
        return datetime(2025, 5, day, 10, 0, tzinfo=UTC)

    SessionFactory(client=client_record, starts_at=at(1), status="completed")
    SessionFactory(client=client_record, starts_at=at(8), status="completed")
    SessionFactory(client=client_record, starts_at=at(15), status="scheduled")
    SessionFactory(client=client_record, starts_at=at(16), status="cancelled")
    SessionFactory(client=client_record, starts_at=at(17), status="no_show")
    untouched = ClientFactory(primary_clinician=client_record.primary_clinician)
    api = as_user(client_record.primary_clinician)

    rows = {row["id"]: row for row in api.get(CLIENTS).json()["results"]}
    detail = api.get(url(client_record)).json()

    for body in (rows[str(client_record.pk)], detail):
        assert body["sessions_count"] == 2
        assert datetime.fromisoformat(body["last_session_at"]) == at(8)
    assert rows[str(untouched.pk)]["sessions_count"] == 0
    assert rows[str(untouched.pk)]["last_session_at"] is None


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def caseload(clinician, colleague):
    """`caseload(n)`: n clients of `clinician`, each with a care team, roots and sessions."""

    def make(rows: int) -> None:
        for _ in range(rows):
            client = ClientFactory(
                primary_clinician=clinician,
                care_team=[colleague],
                roots=[("perfectionism", 3), ("past_failures", 2)],
            )
            SessionFactory(client=client, roots_addressed=["perfectionism"])
            SessionFactory(client=client, status="scheduled")

    return make


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(
    ("role", "queries"),
    [
        # the page (care team, presenting roots and the summary are read inside it), and the
        # audit event; an admin's page reads no clinical content
        ("clinician", 2),
        ("supervisor", 2),
        ("admin", 2),
    ],
)
def test_client_list_query_count_is_fixed(
    role, queries, rows, caseload, request, as_user, django_assert_num_queries
):
    caseload(rows)
    api = as_user(request.getfixturevalue(role))

    with django_assert_num_queries(queries):
        response = api.get(CLIENTS)

    assert len(ids(response)) == rows


# --- pagination --------------------------------------------------------------------------------


def test_client_list_pages_through_every_client_once(clinician, as_user):
    clients = [ClientFactory(primary_clinician=clinician) for _ in range(7)]
    api = as_user(clinician)

    first = api.get(CLIENTS, {"page_size": 3}).json()
    seen = every_page(api, f"{CLIENTS}?page_size=3")

    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"] is not None
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(client.pk) for client in clients}
    assert seen == ids(api.get(CLIENTS))


def test_client_list_page_size_is_capped_at_200(clinician, as_user):
    Client.objects.bulk_create(
        Client(
            practice=clinician.practice,
            primary_clinician=clinician,
            given_name="Client",
            family_name=f"Number {index:03}",
            intake_date=date(2025, 1, 1),
        )
        for index in range(201)
    )

    body = as_user(clinician).get(CLIENTS, {"page_size": 1000}).json()

    assert len(body["results"]) == 200
    assert body["next"] is not None


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="default_order_same_names"),
        pytest.param({"ordering": "intake_date"}, id="same_intake_date"),
    ],
)
def test_client_list_pages_through_clients_who_tie_on_the_ordering_once(params, clinician, as_user):
    clients = [
        ClientFactory(
            primary_clinician=clinician,
            given_name="Sam",
            family_name="Taylor",
            intake_date=date(2025, 1, 1),
        )
        for _ in range(30)
    ]
    query = "&".join(f"{key}={value}" for key, value in {**params, "page_size": 4}.items())

    seen = every_page(as_user(clinician), f"{CLIENTS}?{query}")

    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == {str(client.pk) for client in clients}


def test_a_list_cursor_does_not_carry_the_clients_name(clinician, as_user):
    """Cursors hold the last row's sort value; they are encrypted, so no name reaches a URL."""
    for given in ("Ann", "Bea"):
        ClientFactory(primary_clinician=clinician, family_name="Quillfeather", given_name=given)
    api = as_user(clinician)

    first = api.get(CLIENTS, {"page_size": 1}).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))

    assert b"Quillfeather" not in decoded and "Quillfeather" not in first["next"]
    second = api.get(first["next"]).json()
    assert [c["given_name"] for c in first["results"] + second["results"]] == ["Ann", "Bea"]
