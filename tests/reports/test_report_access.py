"""Who may export what. The client report is clinical content: the client's primary clinician,
its care team and the clinician's supervisor get it in every format; the practice's admin, a
colleague without access, another supervisor and anyone from another practice get 404 exactly
as for an id that does not exist (a problem document, whatever format was asked for); no
credentials is 401. On the outcomes CSV, clients the caller may not see are simply absent."""

import datetime

import pytest

from tests.access import CLINICAL_READERS, NO_CLINICAL_ACCESS, ReadAccess, content
from tests.factories import ClientFactory
from tests.helpers import assert_problem
from tests.reports.conftest import FORMATS, OUTCOMES, read_csv, report_url

pytestmark = pytest.mark.django_db


class TestClientReportAccess(ReadAccess):
    """The client report, in each of its formats."""

    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    reads = {name: f"/api/v1/clients/{{id}}/report/?format={name}" for name in FORMATS}

    @pytest.fixture
    def record(self, history):
        return history.client

    def keys(self, record):
        return {"id": str(record.pk)}

    def assert_read(self, response, route, keys):
        export_format = route.rsplit("=", 1)[1]
        assert response["Content-Type"].split(";")[0] == FORMATS[export_format]
        if export_format == "pdf":
            assert content(response).startswith(b"%PDF-")
        else:
            super().assert_read(response, route, keys)


# --- What the declaration does not say ---------------------------------------------------------


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
    assert response.status_code == 200, content(response)
    header, rows = read_csv(response)
    assert header[0] == "client_id"
    return {row["client_id"] for row in rows}


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("clinician", {"history"}),
        ("care_team_member", {"history"}),
        ("supervisor", {"history"}),
        ("colleague", {"colleague"}),
        ("other_supervisor", set()),
        ("outsider", {"elsewhere"}),
        ("stranger", set()),
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
