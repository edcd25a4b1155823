"""GET /reports/outcomes/: filters by clinician (the care team included), status and
administration dates, the supervisor's rows, invalid filters refused, and CSV as the only
format. Who sees which rows: see test_report_access.py."""

import datetime

import pytest

from tests.factories import ClientFactory, UserFactory
from tests.helpers import assert_problem
from tests.reports.conftest import EXPECTED_OUTCOMES, OUTCOMES, outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(supervisor, clinician, practice, record):
    """Clients visible to `supervisor`: one of their own (active), one of `clinician`'s
    (active), one of `clinician`'s (discharged), and one of an unsupervised clinician where
    `clinician` is on the care team. Each took PHQ-9 twice, in January and in March 2025, and
    GAD-7 once, in February."""
    other = UserFactory(practice=practice)
    clients = {
        "own": ClientFactory(primary_clinician=supervisor),
        "supervisee": ClientFactory(primary_clinician=clinician),
        "discharged": ClientFactory(
            primary_clinician=clinician,
            status="discharged",
            discharged_on=datetime.date(2025, 4, 1),
        ),
        "care_team": ClientFactory(primary_clinician=other, care_team=[clinician]),
    }
    for client in clients.values():
        record(client, "phq9", 20, datetime.date(2025, 1, 10))
        record(client, "gad7", 10, datetime.date(2025, 2, 10))
        record(client, "phq9", 9, datetime.date(2025, 3, 10))
    return clients


def client_ids(rows) -> set[str]:
    return {client_id for client_id, _ in rows}


def test_outcomes_of_the_supervisor_cover_their_own_and_their_supervisees_clients(
    caseload, supervisor, as_user
):
    rows = outcomes(as_user(supervisor).get(OUTCOMES))

    assert client_ids(rows) == {str(c.pk) for c in caseload.values()}
    assert len(rows) == 2 * len(caseload)


def test_outcomes_filtered_by_clinician_include_the_care_team(
    caseload, supervisor, clinician, as_user
):
    rows = outcomes(as_user(supervisor).get(f"{OUTCOMES}?clinician={clinician.pk}"))

    assert client_ids(rows) == {
        str(caseload[name].pk) for name in ("supervisee", "discharged", "care_team")
    }


def test_outcomes_filtered_by_status(caseload, supervisor, as_user):
    api = as_user(supervisor)

    discharged = outcomes(api.get(f"{OUTCOMES}?status=discharged"))
    active = outcomes(api.get(f"{OUTCOMES}?status=active"))

    assert client_ids(discharged) == {str(caseload["discharged"].pk)}
    assert client_ids(active) == {
        str(caseload[name].pk) for name in ("own", "supervisee", "care_team")
    }


def test_outcomes_filtered_by_clinician_and_status_together(
    caseload, supervisor, clinician, as_user
):
    rows = outcomes(as_user(supervisor).get(f"{OUTCOMES}?clinician={clinician.pk}&status=active"))

    assert client_ids(rows) == {str(caseload[name].pk) for name in ("supervisee", "care_team")}


def test_outcomes_filtered_by_administration_dates_use_only_those_in_range(
    caseload, supervisor, as_user
):
    api = as_user(supervisor)
    client_id = str(caseload["own"].pk)

    from_february = outcomes(api.get(f"{OUTCOMES}?administered_after=2025-02-01"))
    until_february = outcomes(api.get(f"{OUTCOMES}?administered_before=2025-02-28"))
    february = outcomes(
        api.get(f"{OUTCOMES}?administered_after=2025-02-01&administered_before=2025-02-28")
    )
    nothing = outcomes(api.get(f"{OUTCOMES}?administered_after=2025-06-01"))

    # From February the PHQ-9 baseline is March's 9: one administration, no change yet.
    assert from_february[(client_id, "phq9")] == ("1", "9", "9", "", "insufficient_data", "")
    assert from_february[(client_id, "gad7")] == ("1", "10", "10", "", "insufficient_data", "")
    assert until_february[(client_id, "phq9")] == ("1", "20", "20", "", "insufficient_data", "")
    assert {instrument for _, instrument in february} == {"gad7"}
    assert len(february) == len(caseload)
    assert nothing == {}


def test_outcomes_date_filters_include_the_boundary_days(caseload, supervisor, as_user):
    rows = outcomes(
        as_user(supervisor).get(
            f"{OUTCOMES}?administered_after=2025-01-10&administered_before=2025-03-10"
        )
    )

    assert rows[(str(caseload["own"].pk), "phq9")] == ("2", "20", "9", "-11", "improved", "true")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("clinician=not-a-uuid", "clinician"),
        ("status=archived", "status"),
        ("administered_after=yesterday", "administered_after"),
        ("administered_before=2025-13-01", "administered_before"),
    ],
)
def test_outcomes_with_an_invalid_filter_is_400_naming_it(query, field, clinician, as_user):
    response = as_user(clinician).get(f"{OUTCOMES}?{query}")

    assert_problem(response, 400, field)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"QUERY_STRING": "format=pdf"},
        {"QUERY_STRING": "format="},
        {"HTTP_ACCEPT": "application/json"},
    ],
    ids=["format=pdf", "format=", "accept-json"],
)
def test_outcomes_in_a_format_other_than_csv_is_406(request_kwargs, clinician, as_user):
    response = as_user(clinician).get(OUTCOMES, **request_kwargs)

    problem = assert_problem(response, 406)
    assert "text/csv" in problem["detail"]


def test_outcomes_are_chosen_by_accept_text_csv(history, clinician, as_user):
    response = as_user(clinician).get(OUTCOMES, HTTP_ACCEPT="text/csv")

    assert len(outcomes(response)) == len(EXPECTED_OUTCOMES)
