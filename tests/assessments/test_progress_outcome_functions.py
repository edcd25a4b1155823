"""A client's outcome labels per instrument (docs/instruments.md) through the functions alone:
the worked examples, reliable change and its direction, leaving caseness, and too little data."""

import datetime

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment
from assessments.outcomes import instrument_outcomes, leaving_caseness, reliable_change

d = datetime.date


def fake(code: str, total: int, on: datetime.date) -> Assessment:
    """An unsaved administration, as progress reads them (totals as docs/instruments.md scores)."""
    band = INSTRUMENTS[code].band_for(total)
    return Assessment(
        instrument=code, total_score=total, administered_on=on, severity=band.code if band else ""
    )


# --- The functions -------------------------------------------------------------------------------


def test_worked_example_phq9_18_to_8_through_the_functions():
    phq9 = INSTRUMENTS["phq9"]
    label = reliable_change(phq9, 18, 8, 2)
    assert label == "improved"
    assert leaving_caseness(phq9, 18, 8, 2, label) == (True, True)
    (row,) = instrument_outcomes([fake("phq9", 18, d(2025, 1, 1)), fake("phq9", 8, d(2025, 3, 1))])
    assert (row["baseline"], row["latest"], row["change"]) == (18, 8, -10)
    assert (
        row["reliable_change"],
        row["no_longer_a_case"],
        row["reliably_improved_and_no_longer_a_case"],
    ) == (
        "improved",
        True,
        True,
    )


def test_worked_example_gad7_12_to_9_through_the_functions():
    gad7 = INSTRUMENTS["gad7"]
    label = reliable_change(gad7, 12, 9, 2)
    assert label == "no_reliable_change"
    assert leaving_caseness(gad7, 12, 9, 2, label) == (False, False)
    (row,) = instrument_outcomes([fake("gad7", 12, d(2025, 1, 1)), fake("gad7", 9, d(2025, 3, 1))])
    assert (row["baseline"], row["latest"], row["change"]) == (12, 9, -3)
    assert (
        row["reliable_change"],
        row["no_longer_a_case"],
        row["reliably_improved_and_no_longer_a_case"],
    ) == (
        "no_reliable_change",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("code", "baseline", "latest", "label"),
    [
        ("phq9", 16, 10, "improved"),  # exactly the threshold (6)
        ("phq9", 16, 11, "no_reliable_change"),  # one short
        ("phq9", 10, 16, "deteriorated"),
        ("phq9", 10, 15, "no_reliable_change"),
        ("phq9", 12, 12, "no_reliable_change"),
        ("gad7", 12, 8, "improved"),  # threshold 4
        ("gad7", 12, 9, "no_reliable_change"),
        ("gad7", 5, 9, "deteriorated"),
        ("gad7", 5, 8, "no_reliable_change"),
        ("rses", 10, 16, "improved"),  # higher is better; threshold 6
        ("rses", 10, 15, "no_reliable_change"),
        ("rses", 20, 14, "deteriorated"),
        ("rses", 20, 15, "no_reliable_change"),
    ],
)
def test_reliable_change_thresholds_and_direction(code, baseline, latest, label):
    assert reliable_change(INSTRUMENTS[code], baseline, latest, 2) == label


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_one_administration_is_insufficient_data(code):
    instrument = INSTRUMENTS[code]
    assert reliable_change(instrument, 20, 20, 1) == "insufficient_data"
    assert leaving_caseness(instrument, 20, 20, 1, "insufficient_data") == (None, None)


def test_roots5_has_no_threshold_and_no_leaving_caseness():
    roots5 = INSTRUMENTS["roots5"]
    assert reliable_change(roots5, 40, 5, 2) == "not_applicable"
    assert leaving_caseness(roots5, 40, 5, 2, "not_applicable") == (None, None)


@pytest.mark.parametrize(
    ("code", "baseline", "latest", "expected"),
    [
        ("phq9", 9, 3, (None, None)),  # not a case at baseline
        ("phq9", 10, 9, (True, False)),  # no longer a case, change not reliable
        ("phq9", 20, 12, (False, False)),  # reliably better, still a case
        ("phq9", 18, 8, (True, True)),
        ("gad7", 7, 0, (None, None)),
        ("gad7", 8, 7, (True, False)),
        ("gad7", 12, 9, (False, False)),
        ("rses", 15, 30, (None, None)),  # 15 is not a case
        ("rses", 14, 15, (True, False)),
        ("rses", 10, 17, (True, True)),
    ],
)
def test_leaving_caseness(code, baseline, latest, expected):
    instrument = INSTRUMENTS[code]
    label = reliable_change(instrument, baseline, latest, 2)
    assert leaving_caseness(instrument, baseline, latest, 2, label) == expected
