"""Listing sessions: filters, invalid filters refused, rows that show what the record shows, latest
first, cursor pages and a fixed query count."""

from datetime import UTC, datetime

import pytest

from sessions.models import Session
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import error_fields
from tests.sessions.conftest import SESSIONS

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def at(day: int) -> datetime:
    return datetime(2025, 5, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def spread(client_record, clinician, care_team_member):
    """Sessions across two clients, two clinicians, statuses, roots and days."""
    second_client = ClientFactory(primary_clinician=clinician)
    return {
        "first": SessionFactory(
            client=client_record, starts_at=at(1), roots_addressed=["perfectionism"]
        ),
        "second": SessionFactory(
            client=client_record,
            clinician=care_team_member,
            starts_at=at(8),
            status="cancelled",
            roots_addressed=["past_failures", "perfectionism"],
        ),
        "third": SessionFactory(client=second_client, starts_at=at(15), status="scheduled"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "cancelled"}, ["second"]),
        ({"status": "completed"}, ["first"]),
        ({"root": "perfectionism"}, ["first", "second"]),
        ({"root": "past_failures"}, ["second"]),
        ({"starts_after": "2025-05-08T09:00:00Z"}, ["second", "third"]),
        ({"starts_before": "2025-05-08T09:00:00Z"}, ["first"]),
        (
            {"starts_after": "2025-05-02T00:00:00Z", "starts_before": "2025-05-10T00:00:00Z"},
            ["second"],
        ),
        ({}, ["first", "second", "third"]),
    ],
)
def test_session_list_filters(params, expected, spread, clinician, as_user):
    found = ids(as_user(clinician).get(SESSIONS, params))

    assert sorted(found) == sorted(str(spread[name].pk) for name in expected)


def test_session_list_filters_by_client_and_clinician(
    spread, client_record, clinician, care_team_member, as_user
):
    api = as_user(clinician)

    by_client = ids(api.get(SESSIONS, {"client": str(client_record.pk)}))
    by_clinician = ids(api.get(SESSIONS, {"clinician": str(care_team_member.pk)}))

    assert sorted(by_client) == sorted([str(spread["first"].pk), str(spread["second"].pk)])
    assert by_clinician == [str(spread["second"].pk)]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"root": "impostor_syndrome"}, "root"),
        ({"status": "postponed"}, "status"),
        ({"starts_after": "next tuesday"}, "starts_after"),
        ({"client": "not-a-uuid"}, "client"),
    ],
)
def test_session_list_refuses_invalid_filters(params, named, clinician, as_user):
    response = as_user(clinician).get(SESSIONS, params)

    assert response.status_code == 400
    assert error_fields(response) == [named]


# --- query counts and pagination ---------------------------------------------------------------


@pytest.fixture
def sessions_with_everything(client_record, clinician, care_team_member):
    """`sessions_with_everything(n)`: n signed, co-signed sessions with roots and addenda."""

    def make(rows: int) -> None:
        for _ in range(rows):
            session = SessionFactory(
                client=client_record, roots_addressed=["perfectionism", "past_failures"]
            )
            Session.objects.filter(pk=session.pk).update(
                signed_at=at(20), signed_by=clinician, cosigned_at=at(21), cosigned_by=clinician
            )
            session.addenda.create(author=care_team_member, text="Late entry.")

    return make


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(
    ("role", "queries"),
    [
        # the page (roots and addenda are read inside it), and the audit event
        ("clinician", 2),
        ("supervisor", 2),
    ],
)
def test_session_list_query_count_is_fixed(
    role, queries, rows, sessions_with_everything, request, as_user, django_assert_num_queries
):
    sessions_with_everything(rows)
    api = as_user(request.getfixturevalue(role))

    with django_assert_num_queries(queries):
        response = api.get(SESSIONS)

    assert len(ids(response)) == rows


def test_a_listed_session_shows_its_roots_and_addenda_as_its_record_does(
    sessions_with_everything, clinician, care_team_member, as_user
):
    sessions_with_everything(1)
    session = Session.objects.get()
    session.addenda.create(author=clinician, text="Second entry — «verbatim».")
    api = as_user(clinician)

    (listed,) = api.get(SESSIONS).json()["results"]
    record = api.get(f"{SESSIONS}{session.pk}/").json()

    assert listed == record
    assert listed["roots_addressed"] == ["perfectionism", "past_failures"]
    assert [(a["text"], a["author"]) for a in listed["addenda"]] == [
        ("Late entry.", str(care_team_member.pk)),
        ("Second entry — «verbatim».", str(clinician.pk)),
    ]
    assert [a["created_at"] for a in listed["addenda"]] == [
        addendum.created_at.isoformat().replace("+00:00", "Z")
        for addendum in session.addenda.order_by("created_at")
    ]


def test_session_list_pages_through_every_session_once(client_record, clinician, as_user):
    sessions = [SessionFactory(client=client_record) for _ in range(7)]
    api = as_user(clinician)

    first = api.get(SESSIONS, {"page_size": 3}).json()
    seen, next_url = [], f"{SESSIONS}?page_size=3"
    while next_url:
        page = api.get(next_url).json()
        assert len(page["results"]) <= 3
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]

    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(session.pk) for session in sessions}


def test_session_list_runs_latest_session_first(client_record, clinician, as_user):
    latest = SessionFactory(client=client_record, starts_at=at(20))
    earliest = SessionFactory(client=client_record, starts_at=at(1))
    middle = SessionFactory(client=client_record, starts_at=at(10))

    found = ids(as_user(clinician).get(SESSIONS))

    assert found == [str(latest.pk), str(middle.pk), str(earliest.pk)]
