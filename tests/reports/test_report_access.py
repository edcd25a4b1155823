"""Who may export what. The client report is clinical content: the client's primary clinician,
its care team and the clinician's supervisor get it in every format; the practice's admin, a
colleague without access, another supervisor and anyone from another practice get 404 exactly
as for an id that does not exist (a problem document, whatever format was asked for); no
credentials is 401. On the outcomes CSV, clients the caller may not see are simply absent."""

import datetime

import pytest

from tests.factories import ClientFactory
from tests.helpers import assert_problem
from tests.reports.conftest import FORMATS, OUTCOMES, body, read_csv, report_url

pytestmark = pytest.mark.django_db

NO_ACCESS = ["other_practice_admin", "other_practice_clinician", "colleague", "other_supervisor"]
ALLOWED = ["primary_clinician", "care_team_member", "supervisor"]


@pytest.fixture
def person(request, stranger, outsider, colleague, other_supervisor, admin, supervisor):
    """The user a parametrized test acts as, by role name (`history` gives the care team)."""
    people = {
        "other_practice_admin": stranger,
        "other_practice_clinician": outsider,
        "colleague": colleague,
        "other_supervisor": other_supervisor,
        "admin": admin,
        "supervisor": supervisor,
    }
    if request.param in people:
        return people[request.param]
    history = request.getfixturevalue("history")
    if request.param == "primary_clinician":
        return history.client.primary_clinician
    return request.getfixturevalue("care_team_member")


def report_of(api, client, export_format):
    return api.get(report_url(client, format=export_format))


@pytest.mark.parametrize("export_format", list(FORMATS))
@pytest.mark.parametrize("person", [*NO_ACCESS, "admin"], indirect=True)
def test_report_is_404_for_those_without_clinical_access(person, export_format, history, as_user):
    response = report_of(as_user(person), history.client, export_format)

    problem = assert_problem(response, 404)
    unknown = as_user(person).get(
        f"/api/v1/clients/00000000-0000-4000-8000-000000000000/report/?format={export_format}"
    )
    assert assert_problem(unknown, 404)["detail"] == problem["detail"]


@pytest.mark.parametrize("export_format", list(FORMATS))
@pytest.mark.parametrize("person", ALLOWED, indirect=True)
def test_report_is_exported_for_the_caseload_and_the_supervisor(
    person, export_format, history, as_user
):
    response = report_of(as_user(person), history.client, export_format)

    assert response.status_code == 200, body(response)
    assert response["Content-Type"].split(";")[0] == FORMATS[export_format]
    content = body(response)
    if export_format == "pdf":
        assert content.startswith(b"%PDF-")
    else:
        assert str(history.client.pk).encode() in content


@pytest.mark.parametrize("export_format", list(FORMATS))
def test_report_without_credentials_is_401(export_format, history, api_client):
    response = report_of(api_client, history.client, export_format)

    assert_problem(response, 401)


def test_report_by_accept_header_is_404_for_the_admin_too(history, admin, as_user):
    response = as_user(admin).get(report_url(history.client), HTTP_ACCEPT="application/pdf")

    assert_problem(response, 404)


# --- Outcomes CSV --------------------------------------------------------------------------


@pytest.fixture
def practice_clients(history, clinician, colleague, outsider, record):
    """Beside `history` (clinician's client, care team `care_team_member`): a client of
    `colleague` and a client of another practice, each with two PHQ-9s."""
    clients = {
        "history": history.client,
        "colleague": ClientFactory(primary_clinician=colleague, given_name="Colleague's"),
        "elsewhere": ClientFactory(primary_clinician=outsider, given_name="Elsewhere"),
    }
    for name in ("colleague", "elsewhere"):
        record(clients[name], "phq9", 16, datetime.date(2025, 1, 2))
        record(clients[name], "phq9", 6, datetime.date(2025, 3, 2))
    return clients


def visible_ids(response) -> set[str]:
    assert response.status_code == 200, body(response)
    header, rows = read_csv(response)
    assert header[0] == "client_id"
    return {row["client_id"] for row in rows}


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("primary_clinician", {"history"}),
        ("care_team_member", {"history"}),
        ("supervisor", {"history"}),
        ("colleague", {"colleague"}),
        ("other_supervisor", set()),
        ("other_practice_clinician", {"elsewhere"}),
        ("other_practice_admin", set()),
    ],
    indirect=["person"],
)
def test_outcomes_hold_only_the_clients_the_caller_may_see(
    person, expected, practice_clients, as_user
):
    ids = visible_ids(as_user(person).get(OUTCOMES))

    assert ids == {str(practice_clients[name].pk) for name in expected}


def test_outcomes_for_the_admin_are_the_header_only(practice_clients, admin, as_user):
    response = as_user(admin).get(OUTCOMES)

    assert response.status_code == 200
    header, rows = read_csv(response)
    assert header[:3] == ["client_id", "client_name", "instrument"]
    assert rows == []


def test_outcomes_filtered_by_an_unseen_clinician_show_nothing_of_theirs(
    practice_clients, clinician, colleague, as_user
):
    ids = visible_ids(as_user(clinician).get(f"{OUTCOMES}?clinician={colleague.pk}"))

    assert ids == set()


def test_outcomes_without_credentials_are_401(api_client):
    assert_problem(api_client.get(OUTCOMES), 401)
