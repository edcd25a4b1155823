"""GET /reports/outcomes/: practice outcomes for service evaluation as CSV, one row per client
and instrument (first vs latest non-void administration), checked against hand-built data;
booleans as true/false; voided administrations left out; and a fixed number of queries however
many clients there are."""

import csv
import datetime

import pytest

from tests.factories import ClientFactory, UserFactory
from tests.reports.conftest import EXPECTED_OUTCOMES, OUTCOMES, body, names, outcomes, void

pytestmark = pytest.mark.django_db


def test_outcomes_rows_match_the_hand_built_history(history, clinician, as_user):
    rows = outcomes(as_user(clinician).get(OUTCOMES))

    client_id = str(history.client.pk)
    assert rows == {(client_id, code): row for code, row in EXPECTED_OUTCOMES.items()}


def test_outcomes_name_the_client(history, clinician, as_user):
    response = as_user(clinician).get(OUTCOMES)

    assert names(response) == {str(history.client.pk): "Harriet Quinlan"}


def test_outcomes_of_a_single_administration_are_insufficient_data(clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 14, datetime.date(2025, 2, 1))
    record(client, "roots5", 12, datetime.date(2025, 2, 2))

    rows = outcomes(as_user(clinician).get(OUTCOMES))

    assert rows == {
        (str(client.pk), "phq9"): ("1", "14", "14", "", "insufficient_data", ""),
        (str(client.pk), "roots5"): ("1", "12", "12", "", "not_applicable", ""),
    }


def test_outcomes_of_deterioration_and_of_a_non_case_at_baseline(clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician)
    # PHQ-9 4 -> 16: +12, reliably worse; not a case at baseline, so caseness does not apply.
    record(client, "phq9", 4, datetime.date(2025, 2, 1))
    record(client, "phq9", 16, datetime.date(2025, 4, 1))
    # RSES 24 -> 19: -5 (higher is better), under the 6-point threshold; not a case at baseline.
    record(client, "rses", 24, datetime.date(2025, 2, 1))
    record(client, "rses", 19, datetime.date(2025, 4, 1))
    # GAD-7 9 -> 4: -5, reliably better (4 points), a case (>= 8) and no longer one.
    record(client, "gad7", 9, datetime.date(2025, 2, 1))
    record(client, "gad7", 6, datetime.date(2025, 3, 1))
    record(client, "gad7", 4, datetime.date(2025, 4, 1))

    rows = outcomes(as_user(clinician).get(OUTCOMES))

    assert rows == {
        (str(client.pk), "phq9"): ("2", "4", "16", "12", "deteriorated", ""),
        (str(client.pk), "rses"): ("2", "24", "19", "-5", "no_reliable_change", ""),
        (str(client.pk), "gad7"): ("3", "9", "4", "-5", "improved", "true"),
    }


def test_outcomes_leave_out_voided_administrations_and_clients_with_only_voided_ones(
    clinician, record, as_user
):
    client = ClientFactory(primary_clinician=clinician)
    void(record(client, "phq9", 24, datetime.date(2025, 1, 1)))
    record(client, "phq9", 18, datetime.date(2025, 2, 1))
    void(record(client, "phq9", 2, datetime.date(2025, 3, 1)))
    record(client, "phq9", 8, datetime.date(2025, 4, 1))
    only_voided = ClientFactory(primary_clinician=clinician)
    void(record(only_voided, "gad7", 15, datetime.date(2025, 1, 1)))
    no_records = ClientFactory(primary_clinician=clinician)

    rows = outcomes(as_user(clinician).get(OUTCOMES))

    assert rows == {(str(client.pk), "phq9"): ("2", "18", "8", "-10", "improved", "true")}
    assert str(only_voided.pk) not in {key[0] for key in rows}
    assert str(no_records.pk) not in {key[0] for key in rows}


# One query for the visible clients, one for which of them the report covers (the audit trail
# records each), one for their non-void administrations, one insert of the export's events.
OUTCOMES_QUERIES = 4


@pytest.mark.parametrize("query", ["", "?bom=1"])
@pytest.mark.parametrize("clients", [1, 10])
def test_outcomes_cost_a_fixed_number_of_queries(
    clients, query, clinician, practice, record, as_user, django_assert_num_queries
):
    for index in range(clients):
        client = ClientFactory(
            primary_clinician=clinician, care_team=[UserFactory(practice=practice)]
        )
        record(client, "phq9", 15, datetime.date(2025, 1, 1 + index))
        record(client, "phq9", 7, datetime.date(2025, 2, 1 + index))
        record(client, "gad7", 11, datetime.date(2025, 1, 1 + index))
        record(client, "gad7", 6, datetime.date(2025, 2, 1 + index))
    api = as_user(clinician)

    with django_assert_num_queries(OUTCOMES_QUERIES):
        response = api.get(f"{OUTCOMES}{query}")
        content = body(response)

    assert response.streaming
    rows = list(csv.DictReader(content.decode("utf-8-sig").splitlines()))

    assert len(rows) == 2 * clients
    assert {row["paired_status"] for row in rows} == {"assessed"}
