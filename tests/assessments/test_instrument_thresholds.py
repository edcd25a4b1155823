"""Clinical cut-offs and reliable-change thresholds of the instruments, checked against
docs/instruments.md, including the Jacobson-Truax derivations.

Everything expected here is copied from docs/instruments.md, never derived from the modules under
test: a reworded item, a moved band boundary or a changed threshold must fail a test.
"""

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import CaseWhen, jacobson_truax_threshold


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
