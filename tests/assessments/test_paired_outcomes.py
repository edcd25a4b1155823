"""The NHS Talking Therapies paired outcomes of PHQ-9 with GAD-7, through the functions: caseness,
recovery, reliable improvement, reliable deterioration and reliable recovery at their
boundaries, and for any scores. How administrations pair is in test_paired_outcome_pairing.py;
the API in test_progress_paired_outcomes.py and the CSV in tests/reports/test_outcomes_report.py.

The numbers expected here are docs/instruments.md's, never read from the modules under test.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.instruments import INSTRUMENTS
from assessments.outcomes import paired_outcome
from tests.assessments.conftest import START, WINDOW_DAYS, administration, as_read, outcomes

# docs/instruments.md: caseness and reliable change of each measure.
PHQ9_CASE, PHQ9_RELIABLE = 10, 6
GAD7_CASE, GAD7_RELIABLE = 8, 4
END = datetime.date(2025, 3, 31)


def two_pairs(phq9: tuple[int, int], gad7: tuple[int, int]) -> dict:
    """The paired outcome of PHQ-9 and GAD-7 taken together at START and again at END."""
    return paired_outcome(
        as_read(
            administration("phq9", phq9[0], START),
            administration("gad7", gad7[0], START),
            administration("phq9", phq9[1], END),
            administration("gad7", gad7[1], END),
        )
    )


def test_the_instrument_definitions_hold_the_paired_thresholds():
    phq9, gad7 = INSTRUMENTS["phq9"], INSTRUMENTS["gad7"]
    assert (phq9.clinical_cutoff.threshold, phq9.clinical_cutoff.case_when) == (
        PHQ9_CASE,
        "at_or_above",
    )
    assert (gad7.clinical_cutoff.threshold, gad7.clinical_cutoff.case_when) == (
        GAD7_CASE,
        "at_or_above",
    )
    assert (phq9.reliable_change.threshold, gad7.reliable_change.threshold) == (
        PHQ9_RELIABLE,
        GAD7_RELIABLE,
    )


# --- The worked examples of docs/instruments.md --------------------------------------------------


def test_worked_example_phq9_18_to_8_with_gad7_12_to_9_is_reliable_improvement_not_recovery():
    result = two_pairs(phq9=(18, 8), gad7=(12, 9))

    assert result["status"] == "assessed"
    # A case; PHQ-9 fell 10 (reliable), GAD-7 fell 3 (not reliable, not a deterioration);
    # GAD-7 9 is still at or above 8, so no recovery.
    assert outcomes(result) == (True, False, True, False, False)


def test_worked_example_phq9_12_to_9_with_gad7_9_to_5_is_reliable_recovery():
    result = two_pairs(phq9=(12, 9), gad7=(9, 5))

    assert outcomes(result) == (True, True, True, False, True)


def test_the_pairs_used_are_returned_with_dates_scores_and_ids():
    first_phq9 = administration("phq9", 18, START)
    first_gad7 = administration("gad7", 12, START)
    last_phq9 = administration("phq9", 8, END)
    last_gad7 = administration("gad7", 9, END)

    result = paired_outcome(as_read(first_phq9, first_gad7, last_phq9, last_gad7))

    assert (result["pairing_window_days"], result["pair_count"]) == (WINDOW_DAYS, 2)
    assert result["baseline_pair"] == {
        "phq9": {
            "assessment": first_phq9.pk,
            "administered_on": START,
            "total_score": 18,
            "severity": None,
        },
        "gad7": {
            "assessment": first_gad7.pk,
            "administered_on": START,
            "total_score": 12,
            "severity": None,
        },
    }
    assert result["latest_pair"]["phq9"]["assessment"] == last_phq9.pk
    assert result["latest_pair"]["gad7"]["assessment"] == last_gad7.pk


# --- Caseness at baseline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"),
    [
        (10, 0, True),  # PHQ-9 exactly at its cut-off
        (0, 8, True),  # GAD-7 exactly at its cut-off
        (9, 7, False),  # one below each
        (27, 21, True),
        (0, 0, False),
    ],
)
def test_caseness_at_baseline_at_the_cut_offs(phq9, gad7, case):
    result = two_pairs(phq9=(phq9, 0), gad7=(gad7, 0))

    assert result["caseness_at_baseline"] is case


def test_a_non_case_at_baseline_has_no_recovery_but_still_reliable_change():
    # Not a case (9, 7); GAD-7 rises 4: a reliable deterioration still counts.
    worse = two_pairs(phq9=(9, 9), gad7=(3, 7))
    # Not a case; PHQ-9 falls 6: a reliable improvement still counts.
    better = two_pairs(phq9=(9, 3), gad7=(7, 7))

    assert outcomes(worse) == (False, None, False, True, None)
    assert outcomes(better) == (False, None, True, False, None)


# --- Recovery ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest_phq9", "latest_gad7", "recovery"),
    [
        (9, 7, True),  # one below each cut-off
        (10, 7, False),  # PHQ-9 back at its cut-off
        (9, 8, False),  # GAD-7 back at its cut-off
        (0, 0, True),
    ],
)
def test_recovery_needs_both_measures_below_their_cut_offs(latest_phq9, latest_gad7, recovery):
    result = two_pairs(phq9=(20, latest_phq9), gad7=(15, latest_gad7))

    assert result["recovery"] is recovery


# --- Reliable improvement and deterioration ------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "improvement", "deterioration"),
    [
        ((16, 10), (5, 5), True, False),  # PHQ-9 down exactly 6
        ((16, 11), (5, 5), False, False),  # PHQ-9 down 5
        ((5, 5), (12, 8), True, False),  # GAD-7 down exactly 4
        ((5, 5), (12, 9), False, False),  # GAD-7 down 3
        ((10, 16), (5, 5), False, True),  # PHQ-9 up exactly 6
        ((10, 15), (5, 5), False, False),  # PHQ-9 up 5
        ((5, 5), (8, 12), False, True),  # GAD-7 up exactly 4
        ((5, 5), (8, 11), False, False),  # GAD-7 up 3
        ((20, 10), (4, 8), False, True),  # one improved, the other deteriorated
        ((20, 14), (12, 8), True, False),  # both improved
        ((10, 20), (8, 12), False, True),  # both deteriorated
    ],
)
def test_reliable_improvement_and_deterioration_at_the_thresholds(
    phq9, gad7, improvement, deterioration
):
    result = two_pairs(phq9=phq9, gad7=gad7)

    assert (result["reliable_improvement"], result["reliable_deterioration"]) == (
        improvement,
        deterioration,
    )


# --- Reliable recovery ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "recovery", "reliable_recovery"),
    [
        ((16, 9), (8, 7), True, True),  # PHQ-9 down 7: reliable; both now below
        ((14, 9), (8, 7), True, False),  # recovered, but no measure reliably improved
        ((16, 9), (2, 7), True, False),  # recovered, PHQ-9 improved, but GAD-7 up 5
        ((20, 10), (12, 2), False, False),  # reliably improved on both, PHQ-9 still a case
    ],
)
def test_reliable_recovery_is_recovery_and_reliable_improvement(
    phq9, gad7, recovery, reliable_recovery
):
    result = two_pairs(phq9=phq9, gad7=gad7)

    assert (result["recovery"], result["reliable_recovery"]) == (recovery, reliable_recovery)


# --- Insufficient data, and not applicable -------------------------------------------------------


def test_a_single_pair_is_insufficient_data_with_its_baseline():
    result = paired_outcome(
        as_read(administration("phq9", 18, START), administration("gad7", 12, START))
    )

    assert (result["status"], result["pair_count"]) == ("insufficient_data", 1)
    assert result["baseline_pair"]["phq9"]["total_score"] == 18
    assert result["latest_pair"] is None
    assert outcomes(result) == (True, None, None, None, None)


def test_both_measures_but_never_within_the_window_is_insufficient_data_without_pairs():
    result = paired_outcome(
        as_read(
            administration("phq9", 18, START),
            administration("gad7", 12, START + datetime.timedelta(days=WINDOW_DAYS + 1)),
            administration("phq9", 8, END),
            administration("gad7", 9, END + datetime.timedelta(days=WINDOW_DAYS + 1)),
        )
    )

    assert (result["status"], result["pair_count"]) == ("insufficient_data", 0)
    assert (result["baseline_pair"], result["latest_pair"]) == (None, None)
    assert outcomes(result) == (None, None, None, None, None)


@pytest.mark.parametrize(
    "codes",
    [("phq9", "phq9"), ("gad7", "gad7"), ("rses", "roots5"), ()],
    ids=["phq9-only", "gad7-only", "neither", "nothing"],
)
def test_without_both_measures_paired_outcomes_do_not_apply(codes):
    taken = [
        administration(code, 10, START + datetime.timedelta(days=i)) for i, code in enumerate(codes)
    ]

    assert paired_outcome(taken) is None


def expected_outcomes(first: tuple[int, int], last: tuple[int, int]) -> tuple:
    """docs/instruments.md's paired rules, restated from its numbers."""
    (phq9_before, gad7_before), (phq9_after, gad7_after) = first, last
    case = phq9_before >= PHQ9_CASE or gad7_before >= GAD7_CASE
    improved = (
        phq9_before - phq9_after >= PHQ9_RELIABLE or gad7_before - gad7_after >= GAD7_RELIABLE
    )
    deteriorated = (
        phq9_after - phq9_before >= PHQ9_RELIABLE or gad7_after - gad7_before >= GAD7_RELIABLE
    )
    recovery = (phq9_after < PHQ9_CASE and gad7_after < GAD7_CASE) if case else None
    reliable_improvement = improved and not deteriorated
    reliable_recovery = (recovery and reliable_improvement) if case else None
    return case, recovery, reliable_improvement, deteriorated, reliable_recovery


SCORES = st.tuples(st.integers(0, 27), st.integers(0, 21))


@settings(max_examples=500, database=None)
@given(SCORES, SCORES)
def test_outcomes_follow_the_rules_for_any_scores(first, last):
    result = two_pairs(phq9=(first[0], last[0]), gad7=(first[1], last[1]))

    assert outcomes(result) == expected_outcomes(first, last)
    assert not (result["reliable_improvement"] and result["reliable_deterioration"])
