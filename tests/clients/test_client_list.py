"""Listing clients: filters, search, ordering, the clinical summary on each row, and a fixed
query count."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.clients.conftest import CLIENTS, ids, url
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


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


def test_client_list_refuses_an_unknown_root_filter(clinician, as_user):
    response = as_user(clinician).get(CLIENTS, {"root": "impostor_syndrome"})

    assert response.status_code == 400
    assert error_fields(response) == ["root"]


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
