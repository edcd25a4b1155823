"""The outcomes in the PDF progress report: which direction is better and the thresholds behind
each, deterioration and single administrations worded as such, the Rootwise roots index, and the
PHQ-9 with GAD-7 paired outcomes.
Text is read back with pypdf, page by page."""

import pytest

from tests.factories import ClientFactory
from tests.reports.conftest import DASH, MINUS, day, report_url, text_of

pytestmark = pytest.mark.django_db


def test_each_outcome_says_which_direction_is_better_and_the_thresholds_used(
    history, clinician, as_user
):
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert (
        f"PHQ-9 (total 0{DASH}27, lower is better) "
        f"Change from 18 to 8: {MINUS}10 points (lower is better). Reliably improved: the change "
        "reaches the reliable change threshold of 6 points. "
        "Clinical cut-off: a case at 10 or more. A case at baseline (18), not at the latest (8), "
        "with reliable improvement."
    ) in text
    assert (
        f"GAD-7 (total 0{DASH}21, lower is better) "
        f"Change from 12 to 9: {MINUS}3 points (lower is better). No reliable change: the change "
        "is under the reliable change threshold of 4 points. "
        "Clinical cut-off: a case at 8 or more. A case at baseline (12) and still at the latest "
        "(9)."
    ) in text
    assert (
        f"Rosenberg Self-Esteem Scale (total 0{DASH}30, higher is better) "
        "Change from 10 to 20: +10 points (higher is better). Reliably improved: the change "
        "reaches the reliable change threshold of 6 points. "
        "Clinical cut-off: a case below 15. A case at baseline (10), not at the latest (20), with "
        "reliable improvement."
    ) in text


def test_a_deterioration_and_a_single_administration_are_worded_as_such(clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "gad7", 3, day(1, 6))
    record(client, "gad7", 9, day(2, 6))
    record(client, "phq9", 12, day(1, 6))

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert (
        "Change from 3 to 9: +6 points (lower is better). Reliably deteriorated: the change "
        "reaches the reliable change threshold of 4 points. Clinical cut-off: a case at 8 or "
        "more. Not a case at baseline (3): the cut-off outcome does not apply."
    ) in text
    assert (
        "One administration so far: 12 (lower is better); change needs a second. Clinical "
        "cut-off: a case at 10 or more. The one score (12) is a case."
    ) in text


# --- The Rootwise index ---------------------------------------------------------------------


def test_the_roots_index_is_labelled_as_rootwise_own_with_its_change_per_root(
    history, clinician, as_user
):
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert (
        f"Insecurity Roots Index (total 0{DASH}50, lower is better) "
        f"Change from 30 to 20: {MINUS}10 points (lower is better). Reliable change does not "
        "apply: there is no reliable change threshold. The Insecurity Roots Index is a Rootwise "
        "index, not a validated measure"
    ) in text
    # roots5 answers 10,10,10,0,0 then 10,10,0,0,0 (conftest): past failures fell by 10.
    assert (
        "Root Sessions First Last Index, latest (0-10) Index change "
        "Early childhood experiences 0 — — 10 0 "
        "Social comparisons 1 2025-01-06 2025-01-06 10 0 "
        f"Past failures 1 2025-01-20 2025-01-20 0 {MINUS}10 "
        "Relationship dynamics 0 — — 0 0 "
        "Perfectionism 1 2025-01-06 2025-01-06 0 0"
    ) in text
    assert "a Rootwise index (not a validated measure)" in text


def paired_section(response) -> str:
    text = text_of(response)
    assert "PHQ-9 with GAD-7: NHS Talking Therapies outcomes" in text
    return text.split("PHQ-9 with GAD-7: NHS Talking Therapies outcomes", 1)[1]


def test_the_report_reads_a_pair_as_improvement_not_recovery(clinician, as_user, record):
    """docs/instruments.md's worked example: PHQ-9 18 to 8 with GAD-7 12 to 9 is reliable
    improvement, not recovery, for GAD-7 9 is still a case."""
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 18, day(1, 6))
    record(client, "gad7", 12, day(1, 8))
    record(client, "phq9", 8, day(3, 3))
    record(client, "gad7", 9, day(3, 3))

    section = paired_section(as_user(clinician).get(report_url(client, format="pdf")))

    assert "First pair: PHQ-9 18 on 2025-01-06, GAD-7 12 on 2025-01-08" in section
    assert "Last pair: PHQ-9 8 on 2025-03-03, GAD-7 9 on 2025-03-03" in section
    assert "Caseness at baseline yes" in section
    assert "Recovery no" in section
    assert "Reliable improvement yes" in section
    assert "Reliable deterioration no" in section
    assert "Reliable recovery no" in section


def test_one_pair_is_not_yet_an_outcome(clinician, as_user, record):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 12, day(1, 6))
    record(client, "gad7", 9, day(1, 6))
    record(client, "gad7", 5, day(3, 3))  # no PHQ-9 within 7 days: not a pair

    section = paired_section(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Fewer than two paired administrations" in section
    assert "1 so far" in section
    assert "Reliable improvement" not in section


def test_a_client_without_both_measures_has_no_paired_section(clinician, as_user, record):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 12, day(1, 6))
    record(client, "phq9", 4, day(3, 3))

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "NHS Talking Therapies" not in text
