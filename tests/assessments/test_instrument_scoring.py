"""Scoring with the instruments, checked against docs/instruments.md number by number: the
worked examples, every total's band, the PHQ-9 item 9 risk rule, and validating responses.

Everything expected here is copied from docs/instruments.md, never derived from the modules under
test: a reworded item, a moved band boundary or a changed threshold must fail a test.
"""

import pytest

from assessments.instruments import INSTRUMENTS
from tests.assessments.conftest import (
    responses_scoring,
)

# (lowest total, highest total, band code), from docs/instruments.md.
EXPECTED_BANDS = {
    "phq9": [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately_severe"),
        (20, 27, "severe"),
    ],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
    "rses": [(0, 14, "low"), (15, 25, "normal"), (26, 30, "high")],
}

EXPECTED_RANGE = {"phq9": (0, 27), "gad7": (0, 21), "rses": (0, 30), "roots5": (0, 50)}


def expected_band(code: str, total: int) -> str:
    (band,) = [name for low, high, name in EXPECTED_BANDS[code] if low <= total <= high]
    return band


def test_worked_example_phq9_total_10_is_moderate_a_case_without_risk():
    phq9 = INSTRUMENTS["phq9"]
    score = phq9.score([1, 2, 0, 3, 1, 0, 2, 1, 0])
    assert score.total == 10
    assert score.severity == "moderate"
    assert phq9.is_case(score.total) is True
    assert score.flags == []
    assert score.subscores == {}


def test_worked_example_phq9_item_9_alone_is_minimal_with_a_risk_flag():
    phq9 = INSTRUMENTS["phq9"]
    score = phq9.score([0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert score.total == 1
    assert score.severity == "minimal"
    assert phq9.is_case(score.total) is False
    assert score.flags == ["risk"]


@pytest.mark.parametrize(
    ("responses", "total", "band"),
    [
        ([3, 0, 3, 3, 0, 0, 3, 0, 0, 3], 30, "high"),
        ([3] * 10, 15, "normal"),
        ([0] * 10, 15, "normal"),
    ],
)
def test_worked_examples_rses(responses, total, band):
    score = INSTRUMENTS["rses"].score(responses)
    assert (score.total, score.severity, score.flags) == (total, band, [])


def test_rses_lowest_self_esteem_scores_zero():
    assert INSTRUMENTS["rses"].score([0, 3, 0, 0, 3, 3, 0, 3, 3, 0]).total == 0


# --- Bands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(EXPECTED_BANDS))
def test_bands_are_the_documented_ones(code):
    bands = INSTRUMENTS[code].bands
    assert [(b.min_score, b.max_score, b.code) for b in bands] == EXPECTED_BANDS[code]


@pytest.mark.parametrize("code", list(EXPECTED_BANDS))
def test_every_total_maps_to_its_documented_band(code):
    low, high = EXPECTED_RANGE[code]
    for total in range(low, high + 1):
        assert INSTRUMENTS[code].band_for(total).code == expected_band(code, total), total


@pytest.mark.parametrize(
    ("code", "total", "band"),
    [
        ("phq9", 0, "minimal"),
        ("phq9", 4, "minimal"),
        ("phq9", 5, "mild"),
        ("phq9", 9, "mild"),
        ("phq9", 10, "moderate"),
        ("phq9", 14, "moderate"),
        ("phq9", 15, "moderately_severe"),
        ("phq9", 19, "moderately_severe"),
        ("phq9", 20, "severe"),
        ("phq9", 27, "severe"),
        ("gad7", 4, "minimal"),
        ("gad7", 5, "mild"),
        ("gad7", 9, "mild"),
        ("gad7", 10, "moderate"),
        ("gad7", 14, "moderate"),
        ("gad7", 15, "severe"),
        ("gad7", 21, "severe"),
        ("rses", 14, "low"),
        ("rses", 15, "normal"),
        ("rses", 25, "normal"),
        ("rses", 26, "high"),
        ("rses", 30, "high"),
    ],
)
def test_band_boundaries_score_through_responses(code, total, band):
    fixed = {"item9": 3} if code == "phq9" and total > 24 else {}
    score = INSTRUMENTS[code].score(responses_scoring(code, total, **fixed))
    assert (score.total, score.severity) == (total, band)


@pytest.mark.parametrize(("code", "outside"), [("phq9", 28), ("gad7", 22), ("rses", 31)])
def test_no_band_outside_the_range(code, outside):
    assert INSTRUMENTS[code].band_for(outside) is None
    assert INSTRUMENTS[code].band_for(-1) is None


def test_roots5_has_no_bands_and_no_severity():
    roots5 = INSTRUMENTS["roots5"]
    assert roots5.bands == ()
    assert roots5.score([10, 10, 10, 10, 10]).severity is None


def test_only_phq9_item_9_carries_a_risk_rule():
    (rule,) = INSTRUMENTS["phq9"].risk_rules
    assert (rule.item, rule.min_value, rule.flag) == (9, 1, "risk")
    for code in ("gad7", "rses", "roots5"):
        assert INSTRUMENTS[code].risk_rules == ()


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_above_zero_flags_risk_whatever_the_total(item9):
    assert INSTRUMENTS["phq9"].score([3] * 8 + [item9]).flags == ["risk"]
    assert INSTRUMENTS["phq9"].score([0] * 8 + [item9]).flags == ["risk"]


def test_phq9_item_9_at_zero_never_flags_even_at_the_maximum_elsewhere():
    assert INSTRUMENTS["phq9"].score([3] * 8 + [0]).flags == []


@pytest.mark.parametrize(
    ("code", "length"),
    [("phq9", 8), ("phq9", 10), ("phq9", 0), ("gad7", 9), ("rses", 9), ("roots5", 6)],
)
def test_wrong_number_of_answers_is_refused_as_a_whole(code, length):
    errors = INSTRUMENTS[code].validation_errors([0] * length)
    assert list(errors) == [None]
    assert str(len(INSTRUMENTS[code].items)) in errors[None]


@pytest.mark.parametrize(
    ("code", "responses"),
    [
        ("phq9", [3] * 9),
        ("gad7", [0] * 7),
        ("rses", [2] * 10),
        ("roots5", [0, 10, 5, 5, 5]),
    ],
)
def test_valid_vectors_have_no_errors(code, responses):
    assert INSTRUMENTS[code].validation_errors(responses) == {}
