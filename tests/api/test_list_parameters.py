"""List parameters as a front end sends them: a typo or an order the list does not offer is a
400 naming the parameter (never the whole caseload, unfiltered), every order is an enum in the
schema, and each order a clinician needs pages through every row once at a fixed query cost."""

from datetime import UTC, date, datetime, timedelta

import pytest
from drf_spectacular.generators import SchemaGenerator

from assessments.services import assessment_record
from tests.factories import ClientFactory, HomeworkFactory, SessionFactory
from tests.helpers import assert_problem

API = "/api/v1/"
CLINICIAN_LISTS = ["clients", "sessions", "homework", "homework-templates"]
CLINICIAN_LISTS += ["assessments", "risk-flags", "users"]


def every_page(api, url: str, params: dict) -> list[str]:
    """Follow `next` from the first page to the last, collecting ids in order."""
    response = api.get(url, params)
    seen = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            return seen
        response = api.get(body["next"])


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- unknown parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("sessions/", {"search": "Tess"}),
        ("sessions/", {"signed": "false"}),
        ("clients/", {"serach": "Tess"}),
        ("clients/", {"client": "2b1c8e1e-7d0e-4c41-9a3e-3f2d4c5b6a70"}),
        ("homework/", {"due": "2026-01-01"}),
        ("assessments/", {"score_above": "10"}),
        ("risk-flags/", {"acknowledged": "false"}),
        ("homework-templates/", {"title": "Diary"}),
        ("users/", {"ordering": "full_name"}),
        *((f"{name}/", {"format": "json"}) for name in CLINICIAN_LISTS),
        *((f"{name}/", {"page": "2"}) for name in CLINICIAN_LISTS),
    ],
)
def test_a_parameter_a_list_does_not_take_is_a_400_naming_it(path, params, clinician, as_user):
    ClientFactory(primary_clinician=clinician, given_name="Tess")

    response = as_user(clinician).get(API + path, params)

    body = assert_problem(response, 400, *params)
    assert [error["field"] for error in body["errors"]] == list(params)


def test_the_audit_trail_refuses_an_unknown_parameter_too(admin, as_user):
    response = as_user(admin).get(f"{API}audit-events/", {"user": str(admin.pk)})

    assert_problem(response, 400, "user")


def test_every_unknown_parameter_is_named_at_once(clinician, as_user):
    response = as_user(clinician).get(f"{API}sessions/", {"search": "Tess", "signed": "no"})

    body = assert_problem(response, 400, "search", "signed")
    assert len(body["errors"]) == 2


@pytest.mark.parametrize("name", CLINICIAN_LISTS)
def test_paging_parameters_are_known_on_every_list(name, clinician, as_user):
    api = as_user(clinician)

    first = api.get(f"{API}{name}/", {"page_size": 1})

    assert first.status_code == 200, first.content


def test_a_report_refuses_a_parameter_it_does_not_take(client_record, clinician, as_user):
    api = as_user(clinician)
    report = f"{API}clients/{client_record.pk}/report/"

    assert_problem(api.get(report, {"includes": "notes", "format": "csv"}), 400, "includes")
    assert api.get(report, {"include": "notes", "format": "csv"}).status_code == 200
    outcomes = f"{API}reports/outcomes/"
    assert_problem(api.get(outcomes, {"search": "Tess"}), 400, "search")
    assert api.get(outcomes, {"status": "active", "format": "csv"}).status_code == 200


# --- unknown orders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ordering"),
    [
        ("clients/", "bogus"),
        ("clients/", "--family_name"),
        ("clients/", "family_name,given_name"),
        ("clients/", ""),
        ("sessions/", "clinician"),
        ("homework/", "title"),
        ("assessments/", "total_score"),
        ("risk-flags/", "-acknowledged_at"),
    ],
)
def test_an_order_a_list_does_not_offer_is_a_400_naming_ordering(
    path, ordering, clinician, as_user
):
    response = as_user(clinician).get(API + path, {"ordering": ordering})

    body = assert_problem(response, 400, "ordering")
    assert body["detail"].startswith("Give one of: ")


def test_an_admin_cannot_sort_clients_by_their_last_session(admin, clinician, as_user):
    ClientFactory(primary_clinician=clinician)

    response = as_user(admin).get(f"{API}clients/", {"ordering": "-last_session_at"})

    assert_problem(response, 403, "ordering")
    assert as_user(admin).get(f"{API}clients/", {"ordering": "-intake_date"}).status_code == 200


# --- the orders a clinician needs --------------------------------------------------------------


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, tzinfo=UTC)


@pytest.fixture
def sessions_on_several_days(client_record):
    """Sessions on days 5, 1, 3 (two), 2: ties and a non-chronological creation order."""
    return [SessionFactory(client=client_record, starts_at=_at(day)) for day in (5, 1, 3, 3, 2)]


def test_sessions_sort_by_start_both_ways(sessions_on_several_days, clinician, as_user):
    api = as_user(clinician)
    by_start = sorted(sessions_on_several_days, key=lambda s: (s.starts_at, s.pk))

    assert ids(api.get(f"{API}sessions/", {"ordering": "starts_at"})) == [
        str(s.pk) for s in by_start
    ]
    newest_first = ids(api.get(f"{API}sessions/", {"ordering": "-starts_at"}))
    assert [newest_first[0], newest_first[-1]] == [str(by_start[-1].pk), str(by_start[0].pk)]


@pytest.fixture
def clients_seen_on_several_days(clinician):
    """Clients last seen on days 4, 2 and 6, two never seen, one seen only in a cancelled
    session (which does not count)."""
    clients = {}
    for name, days in [("d4", (1, 4)), ("d2", (2,)), ("d6", (6, 3)), ("never", ()), ("none", ())]:
        clients[name] = ClientFactory(primary_clinician=clinician, family_name=name)
        for day in days:
            SessionFactory(client=clients[name], starts_at=_at(day))
    clients["cancelled"] = ClientFactory(primary_clinician=clinician, family_name="cancelled")
    SessionFactory(client=clients["cancelled"], starts_at=_at(9), status="cancelled")
    return clients


def test_clients_sort_by_last_session_both_ways(clients_seen_on_several_days, clinician, as_user):
    clients = clients_seen_on_several_days
    api = as_user(clinician)

    least_recent = ids(api.get(f"{API}clients/", {"ordering": "last_session_at"}))
    most_recent = ids(api.get(f"{API}clients/", {"ordering": "-last_session_at"}))

    never_seen = {str(clients[name].pk) for name in ("never", "none", "cancelled")}
    seen = [str(clients[name].pk) for name in ("d2", "d4", "d6")]
    assert set(least_recent[:3]) == never_seen and least_recent[3:] == seen
    assert most_recent[:3] == seen[::-1] and set(most_recent[3:]) == never_seen


@pytest.fixture
def homework_due_on_several_days(client_record):
    """Homework due on days 9, 3 and 6 (two), and one with no due date."""
    return [
        HomeworkFactory(
            client=client_record,
            title=f"H{n}",
            assigned_on=date(2026, 3, 1),
            due_on=due and date(2026, 3, due),
        )
        for n, due in enumerate((9, 3, None, 6, 6))
    ]


def test_homework_sorts_by_due_date_with_undated_homework_last(
    homework_due_on_several_days, clinician, as_user
):
    api = as_user(clinician)
    homework = homework_due_on_several_days

    soonest = ids(api.get(f"{API}homework/", {"ordering": "due_on"}))
    latest = ids(api.get(f"{API}homework/", {"ordering": "-due_on"}))

    assert soonest[0] == str(homework[1].pk) and soonest[-2:] == [
        str(homework[0].pk),
        str(homework[2].pk),
    ]
    assert latest[:2] == [str(homework[2].pk), str(homework[0].pk)]


@pytest.fixture
def flags_raised_on_several_days(client_record):
    """Four PHQ-9s with item 9 above 0, each raising a flag, administered on days 4, 1, 7, 1."""
    for day in (4, 1, 7, 1):
        assessment_record(
            by=client_record.primary_clinician,
            client=client_record,
            instrument="phq9",
            responses=[0] * 8 + [1],
            administered_on=date(2026, 3, day),
            same_day_reason="Repeated.",
        )


def test_risk_flags_and_assessments_sort_by_date_both_ways(
    flags_raised_on_several_days, clinician, as_user
):
    api = as_user(clinician)

    for path, field in [("risk-flags/", "raised_on"), ("assessments/", "administered_on")]:
        oldest = api.get(f"{API}{path}", {"ordering": field}).json()["results"]
        newest = api.get(f"{API}{path}", {"ordering": f"-{field}"}).json()["results"]
        assert [row[field] for row in oldest] == sorted(row[field] for row in oldest)
        assert [row[field] for row in newest] == sorted(
            (row[field] for row in newest), reverse=True
        )
        assert oldest[0][field] == "2026-03-01"


# Never seen sorts as seen at the dawn of time; no due date as due last of all.
UNSET_SORTS_AS = {"last_session_at": "", "due_on": "9999-12-31"}
ORDERINGS = [
    ("clients/", "clients_seen_on_several_days", "last_session_at"),
    ("sessions/", "sessions_on_several_days", "starts_at"),
    ("homework/", "homework_due_on_several_days", "due_on"),
    ("risk-flags/", "flags_raised_on_several_days", "raised_on"),
    ("assessments/", "flags_raised_on_several_days", "administered_on"),
]


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize(("path", "rows", "field"), ORDERINGS)
def test_paging_through_each_order_shows_every_row_once(
    path, rows, field, descending, clinician, as_user, request
):
    request.getfixturevalue(rows)
    api = as_user(clinician)
    ordering = f"-{field}" if descending else field

    rows = api.get(f"{API}{path}", {"ordering": ordering, "page_size": 200}).json()["results"]
    paged = every_page(api, f"{API}{path}", {"ordering": ordering, "page_size": 2})

    values = [UNSET_SORTS_AS.get(field, "") if row[field] is None else row[field] for row in rows]
    assert values == sorted(values, reverse=descending)
    assert paged == [row["id"] for row in rows]
    assert len(set(paged)) == len(paged) >= 4


@pytest.mark.parametrize(("path", "rows", "field"), ORDERINGS)
def test_each_order_costs_the_lists_fixed_queries(
    path, rows, field, clinician, as_user, request, django_assert_num_queries
):
    request.getfixturevalue(rows)
    api = as_user(clinician)

    with django_assert_num_queries(2):  # the page, and the audit event
        response = api.get(f"{API}{path}", {"ordering": f"-{field}"})

    assert len(ids(response)) >= 4


# --- the schema --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    ("path", "orders"),
    [
        ("clients/", {"family_name", "given_name", "intake_date", "created_at", "last_session_at"}),
        ("sessions/", {"starts_at"}),
        ("homework/", {"due_on", "created_at"}),
        ("risk-flags/", {"raised_on"}),
        ("assessments/", {"administered_on"}),
    ],
)
def test_each_lists_ordering_is_an_enum_of_its_orders_both_ways(path, orders, schema):
    parameters = schema["paths"][API + path]["get"]["parameters"]
    (ordering,) = [p for p in parameters if p["name"] == "ordering"]

    assert set(ordering["schema"]["enum"]) == orders | {f"-{name}" for name in orders}
    assert ordering["schema"]["type"] == "string"


@pytest.mark.parametrize("path", ["users/", "audit-events/", "homework-templates/"])
def test_a_list_with_one_order_declares_no_ordering(path, schema):
    parameters = schema["paths"][API + path]["get"]["parameters"]

    assert "ordering" not in {p["name"] for p in parameters}


def test_a_client_never_seen_sorts_before_one_seen_long_ago(clinician, as_user):
    """Never seen sorts as seen at the dawn of time: before a session in 1970."""
    long_ago = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=long_ago, starts_at=datetime(1970, 1, 1, tzinfo=UTC))
    yesterday = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=yesterday, starts_at=datetime.now(UTC) - timedelta(days=1))
    never = ClientFactory(primary_clinician=clinician)

    found = ids(as_user(clinician).get(f"{API}clients/", {"ordering": "last_session_at"}))

    assert found == [str(never.pk), str(long_ago.pk), str(yesterday.pk)]
