"""The instrument registry, checked against docs/instruments.md: the four instruments, their
items, stems and options word for word, scoring direction and reversed items, LOINC codes,
and the roots5 items and subscores.

Everything expected here is copied from docs/instruments.md, never derived from the modules under
test: a reworded item, a moved band boundary or a changed threshold must fail a test.
"""

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import Direction
from tests.assessments.conftest import EXPECTED_ITEMS, ROOT_ORDER

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


def test_loinc_codes():
    phq9, gad7 = INSTRUMENTS["phq9"].loinc, INSTRUMENTS["gad7"].loinc
    assert (phq9.panel, phq9.total, phq9.items) == ("44249-1", "44261-6", {9: "44260-8"})
    assert (gad7.panel, gad7.total, gad7.items) == ("69737-5", "70274-6", {})


def test_rses_has_no_loinc_code_but_a_canonical_url():
    rses = INSTRUMENTS["rses"]
    assert rses.loinc is None
    assert rses.canonical_url


def test_roots5_items_follow_the_vocabulary_order():
    assert [item.root for item in INSTRUMENTS["roots5"].items] == ROOT_ORDER


def test_roots5_subscores_are_keyed_by_root_in_vocabulary_order():
    score = INSTRUMENTS["roots5"].score([1, 2, 3, 4, 10])
    assert score.total == 20
    assert score.subscores == dict(zip(ROOT_ORDER, [1, 2, 3, 4, 10], strict=True))
    assert list(score.subscores) == ROOT_ORDER
    assert score.flags == []


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_standard_instruments_have_no_subscores(code):
    instrument = INSTRUMENTS[code]
    assert instrument.score([1] * len(instrument.items)).subscores == {}


# --- Validation ----------------------------------------------------------------------------------


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
