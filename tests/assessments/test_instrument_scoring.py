"""The instrument registry and scoring, checked against docs/instruments.md number by number.

Everything expected here is copied from docs/instruments.md, never derived from the modules under
test: a reworded item, a moved band boundary or a changed threshold must fail a test.
"""

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import CaseWhen, Direction, jacobson_truax_threshold
from tests.assessments.conftest import (
    responses_scoring,
)

EXPECTED_ITEMS = {
    "phq9": [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ],
    "gad7": [
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ],
    "rses": [
        "On the whole, I am satisfied with myself.",
        "At times I think I am no good at all.",
        "I feel that I have a number of good qualities.",
        "I am able to do things as well as most other people.",
        "I feel I do not have much to be proud of.",
        "I certainly feel useless at times.",
        "I feel that I'm a person of worth, at least on an equal plane with others.",
        "I wish I could have more respect for myself.",
        "All in all, I am inclined to feel that I am a failure.",
        "I take a positive attitude toward myself.",
    ],
    "roots5": [
        "Memories or patterns from early childhood",
        "Comparing yourself with others, including on social media",
        "Past failures or rejections",
        "How you are treated in close relationships",
        "Holding yourself to standards you cannot meet",
    ],
}

EXPECTED_STEMS = {
    "phq9": (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    "gad7": "Over the last 2 weeks, how often have you been bothered by the following problems?",
    "roots5": (
        "Over the last 2 weeks, how much has each of these affected how you feel about yourself?"
    ),
}

FREQUENCY = [
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
]
AGREEMENT = [(0, "Strongly disagree"), (1, "Disagree"), (2, "Agree"), (3, "Strongly agree")]

ROOTS = [
    "early_childhood",
    "social_comparison",
    "past_failures",
    "relationship_dynamics",
    "perfectionism",
]

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


# --- The registry -------------------------------------------------------------------------


def test_registry_holds_the_four_instruments_by_code():
    assert list(INSTRUMENTS) == ["phq9", "gad7", "rses", "roots5"]
    for code, instrument in INSTRUMENTS.items():
        assert instrument.code == code


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_item_texts_are_reproduced_exactly(code):
    items = INSTRUMENTS[code].items
    assert [item.text for item in items] == EXPECTED_ITEMS[code]
    assert [item.number for item in items] == list(range(1, len(EXPECTED_ITEMS[code]) + 1))


@pytest.mark.parametrize("code", list(EXPECTED_STEMS))
def test_stems_are_reproduced_exactly(code):
    assert INSTRUMENTS[code].stem == EXPECTED_STEMS[code]


@pytest.mark.parametrize(
    ("code", "options"),
    [
        ("phq9", FREQUENCY),
        ("gad7", FREQUENCY),
        ("rses", AGREEMENT),
    ],
)
def test_options_are_the_published_values_and_labels(code, options):
    assert [(o.value, o.label) for o in INSTRUMENTS[code].options] == options


def test_roots5_options_run_from_not_at_all_to_completely():
    options = INSTRUMENTS["roots5"].options
    assert [o.value for o in options] == list(range(11))
    assert (options[0].label, options[-1].label) == ("Not at all", "Completely")


@pytest.mark.parametrize(
    ("code", "low", "high", "direction"),
    [
        ("phq9", 0, 27, Direction.LOWER_IS_BETTER),
        ("gad7", 0, 21, Direction.LOWER_IS_BETTER),
        ("rses", 0, 30, Direction.HIGHER_IS_BETTER),
        ("roots5", 0, 50, Direction.LOWER_IS_BETTER),
    ],
)
def test_score_range_and_direction(code, low, high, direction):
    instrument = INSTRUMENTS[code]
    assert (instrument.min_score, instrument.max_score) == (low, high)
    assert instrument.direction is direction


def test_only_rses_items_2_5_6_8_9_are_reverse_scored():
    assert INSTRUMENTS["rses"].reverse_scored == {2, 5, 6, 8, 9}
    for code in ("phq9", "gad7", "roots5"):
        assert INSTRUMENTS[code].reverse_scored == frozenset()


def test_rses_item_scores_follow_three_minus_value_on_reversed_items():
    rses = INSTRUMENTS["rses"]
    for number in range(1, 11):
        for value in range(4):
            expected = 3 - value if number in {2, 5, 6, 8, 9} else value
            assert rses.item_score(number, value) == expected, (number, value)


def test_rses_notes_say_the_bands_are_not_official():
    assert "not official" in INSTRUMENTS["rses"].notes


# --- Worked examples (docs/instruments.md) ------------------------------------------------------


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


# --- Bands ---------------------------------------------------------------------------------


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


# --- Cut-offs and reliable change ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "total", "case"),
    [
        ("phq9", 10, True),
        ("phq9", 9, False),
        ("phq9", 27, True),
        ("phq9", 0, False),
        ("gad7", 8, True),
        ("gad7", 7, False),
        ("gad7", 21, True),
        ("rses", 14, True),
        ("rses", 15, False),
        ("rses", 0, True),
        ("rses", 30, False),
    ],
)
def test_clinical_cutoffs(code, total, case):
    assert INSTRUMENTS[code].is_case(total) is case


@pytest.mark.parametrize(
    ("code", "threshold", "case_when"),
    [("phq9", 10, CaseWhen.AT_OR_ABOVE), ("gad7", 8, CaseWhen.AT_OR_ABOVE), ("rses", 15, "below")],
)
def test_cutoff_parameters_are_published(code, threshold, case_when):
    cutoff = INSTRUMENTS[code].clinical_cutoff
    assert (cutoff.threshold, cutoff.case_when) == (threshold, case_when)


def test_roots5_has_no_cutoff_and_no_reliable_change():
    roots5 = INSTRUMENTS["roots5"]
    assert roots5.clinical_cutoff is None
    assert roots5.reliable_change is None
    assert roots5.is_case(50) is None


@pytest.mark.parametrize(
    ("code", "threshold", "sd", "reliability"),
    [("phq9", 6, 5.5, 0.89), ("gad7", 4, 4.5, None), ("rses", 6, 5.0, 0.85)],
)
def test_reliable_change_thresholds_and_their_parameters(code, threshold, sd, reliability):
    change = INSTRUMENTS[code].reliable_change
    assert (change.threshold, change.sd, change.reliability) == (threshold, sd, reliability)
    assert change.source


def test_rses_threshold_is_derived_by_jacobson_truax():
    # 1.96 · √2 · 5.0 · √.15 = 5.37, rounded up to 6.
    assert jacobson_truax_threshold(5.0, 0.85) == 6
    assert INSTRUMENTS["rses"].reliable_change.threshold == jacobson_truax_threshold(5.0, 0.85)


def test_phq9_service_threshold_is_consistent_with_jacobson_truax():
    # NHS Talking Therapies' 6 points agrees with SD 5.5 and r = .89 (5.06, rounded up).
    assert jacobson_truax_threshold(5.5, 0.89) == 6


@pytest.mark.parametrize(
    ("sd", "reliability", "threshold"),
    [
        (5.0, 0.85, 6),  # 5.37
        (5.5, 0.89, 6),  # 5.06
        (10.0, 0.85, 11),  # 10.74
        (1.0, 0.0, 3),  # 2.77
        (5.0, 0.96, 3),  # 2.77
        (5.0, 1.0, 0),  # a perfectly reliable measure: any change is reliable
    ],
)
def test_jacobson_truax_rounds_up_to_the_next_whole_point(sd, reliability, threshold):
    assert jacobson_truax_threshold(sd, reliability) == threshold


# --- LOINC, risk rules, roots5 subscores -----------------------------------------------------


def test_loinc_codes():
    phq9, gad7 = INSTRUMENTS["phq9"].loinc, INSTRUMENTS["gad7"].loinc
    assert (phq9.panel, phq9.total, phq9.items) == ("44249-1", "44261-6", {9: "44260-8"})
    assert (gad7.panel, gad7.total, gad7.items) == ("69737-5", "70274-6", {})


def test_rses_has_no_loinc_code_but_a_canonical_url():
    rses = INSTRUMENTS["rses"]
    assert rses.loinc is None
    assert rses.canonical_url


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


def test_roots5_items_follow_the_vocabulary_order():
    assert [item.root for item in INSTRUMENTS["roots5"].items] == ROOTS


def test_roots5_subscores_are_keyed_by_root_in_vocabulary_order():
    score = INSTRUMENTS["roots5"].score([1, 2, 3, 4, 10])
    assert score.total == 20
    assert score.subscores == dict(zip(ROOTS, [1, 2, 3, 4, 10], strict=True))
    assert list(score.subscores) == ROOTS
    assert score.flags == []


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_standard_instruments_have_no_subscores(code):
    instrument = INSTRUMENTS[code]
    assert instrument.score([1] * len(instrument.items)).subscores == {}


# --- Validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "responses", "bad"),
    [
        ("phq9", [0, 0, 0, 0, 4, 0, 0, 0, 0], {4}),
        ("phq9", [-1, 0, 0, 0, 0, 0, 0, 0, 9], {0, 8}),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], {6}),
        ("rses", [0, 0, 0, 0, 0, 0, 0, 0, 0, 4], {9}),
        ("roots5", [0, 11, 0, 0, -1], {1, 4}),
    ],
)
def test_values_outside_the_options_are_named_by_index(code, responses, bad):
    assert set(INSTRUMENTS[code].validation_errors(responses)) == bad


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
