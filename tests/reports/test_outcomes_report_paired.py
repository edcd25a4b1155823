"""GET /reports/outcomes/: the client's paired PHQ-9/GAD-7 outcomes in each row, checked against
hand-built data, using only administrations in the date range."""

import datetime

import pytest

from tests.factories import ClientFactory
from tests.reports.conftest import OUTCOMES, PAIRED_COLUMNS, read_csv

pytestmark = pytest.mark.django_db


NOT_APPLICABLE = dict.fromkeys(PAIRED_COLUMNS, "")


def paired(response) -> dict[str, dict]:
    """The paired outcome columns by client id, after checking each client's rows agree."""
    _, rows = read_csv(response)
    by_client: dict[str, dict] = {}
    for row in rows:
        columns = {name: row[name] for name in PAIRED_COLUMNS}
        assert by_client.setdefault(row["client_id"], columns) == columns, rows
    return by_client


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
