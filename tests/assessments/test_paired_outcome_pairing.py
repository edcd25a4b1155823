"""How administrations of PHQ-9 and GAD-7 pair for the paired outcomes, through the functions:
within the window, the nearer one, the last of a day, first and last pairs compared, and one to
one in date order for any history.

The numbers expected here are docs/instruments.md's, never read from the modules under test.
"""

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.models import Assessment
from assessments.outcomes import paired_administrations, paired_outcome
from tests.assessments.conftest import START, WINDOW_DAYS, administration, as_read, outcomes


def days(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("gap", "paired"),
    [(0, True), (WINDOW_DAYS, True), (WINDOW_DAYS + 1, False), (-WINDOW_DAYS, True)],
    ids=["same-day", "window", "a-day-beyond", "gad7-first"],
)
def test_a_phq9_and_a_gad7_pair_within_the_window(gap, paired):
    phq9 = administration("phq9", 12, days(10))
    gad7 = administration("gad7", 9, days(10 + gap))

    pairs = paired_administrations([phq9], [gad7])

    assert pairs == ([(phq9, gad7)] if paired else [])


def test_the_first_and_last_pairs_are_compared_whatever_lies_between():
    result = paired_outcome(
        as_read(
            administration("phq9", 18, days(0)),
            administration("gad7", 12, days(0)),
            administration("phq9", 27, days(14)),  # a bad week in the middle
            administration("gad7", 21, days(14)),
            administration("phq9", 8, days(28)),
            administration("gad7", 7, days(28)),
        )
    )

    assert result["pair_count"] == 3
    assert result["baseline_pair"]["phq9"]["administered_on"] == days(0)
    assert result["latest_pair"]["phq9"]["administered_on"] == days(28)
    assert outcomes(result) == (True, True, True, False, True)


def test_an_unpaired_administration_is_not_a_time_point():
    # The last PHQ-9 has no GAD-7 within the window: the last pair is the one before.
    result = paired_outcome(
        as_read(
            administration("phq9", 18, days(0)),
            administration("gad7", 12, days(0)),
            administration("phq9", 6, days(14)),
            administration("gad7", 6, days(15)),
            administration("phq9", 20, days(40)),
        )
    )

    assert result["pair_count"] == 2
    assert (
        result["latest_pair"]["phq9"]["total_score"],
        result["latest_pair"]["gad7"]["administered_on"],
    ) == (6, days(15))
    assert outcomes(result) == (True, True, True, False, True)


def test_the_nearer_administration_is_paired():
    early = administration("phq9", 20, days(0))
    near = administration("phq9", 14, days(5))
    gad7 = administration("gad7", 10, days(6))

    assert paired_administrations([early, near], [gad7]) == [(near, gad7)]


def test_of_two_the_same_day_the_last_recorded_is_paired():
    first = administration("gad7", 15, days(0))
    retaken = administration("gad7", 12, days(0))
    phq9 = administration("phq9", 12, days(0))

    assert paired_administrations([phq9], [first, retaken]) == [(phq9, retaken)]


# --- Properties ----------------------------------------------------------------------------------

HISTORIES = st.lists(
    st.tuples(
        st.sampled_from(["phq9", "gad7"]),
        st.integers(min_value=0, max_value=60),  # day
        st.integers(min_value=0, max_value=21),  # total (within both ranges)
    ),
    max_size=14,
)


def build(history) -> tuple[list[Assessment], list[Assessment]]:
    ordered = as_read(*(administration(code, total, days(day)) for code, day, total in history))
    return (
        [a for a in ordered if a.instrument == "phq9"],
        [a for a in ordered if a.instrument == "gad7"],
    )


@settings(max_examples=300, database=None)
@given(HISTORIES)
def test_pairs_are_one_to_one_within_the_window_and_in_date_order(history):
    phq9s, gad7s = build(history)

    pairs = paired_administrations(phq9s, gad7s)

    for phq9, gad7 in pairs:
        assert abs((phq9.administered_on - gad7.administered_on).days) <= WINDOW_DAYS
    for earlier, later in itertools.pairwise(pairs):
        assert phq9s.index(earlier[0]) < phq9s.index(later[0])
        assert gad7s.index(earlier[1]) < gad7s.index(later[1])
    # Nothing of either measure lies strictly between the two administrations of a pair.
    for phq9, gad7 in pairs:
        low, high = sorted((phq9.administered_on, gad7.administered_on))
        assert not [a for a in phq9s + gad7s if low < a.administered_on < high]
    # A PHQ-9 and a GAD-7 on the same day, both left unpaired, would be a missed time point,
    # unless that day already holds a pair (then they are earlier records of it).
    paired_ids = {a.pk for pair in pairs for a in pair}
    paired_days = {a.administered_on for pair in pairs for a in pair}
    unpaired_days = {
        code: {a.administered_on for a in taken if a.pk not in paired_ids}
        for code, taken in (("phq9", phq9s), ("gad7", gad7s))
    }
    assert unpaired_days["phq9"] & unpaired_days["gad7"] <= paired_days
