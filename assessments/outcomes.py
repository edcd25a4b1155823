"""Outcome rules, as docs/instruments.md states them: per instrument (first against latest
non-void administration), and the NHS Talking Therapies paired outcomes of PHQ-9 with GAD-7.

Pure functions over administrations already read and ordered by `administered_on`,
`created_at`, `id`: no queries. Every threshold and cut-off comes from the instrument
definitions in `assessments/instruments/`.
"""

import datetime
from collections import defaultdict

from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import Direction, Instrument
from assessments.instruments.gad7 import GAD7
from assessments.instruments.phq9 import PHQ9
from assessments.models import Assessment


class ReliableChangeLabel:
    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_APPLICABLE = "not_applicable"

    choices = [
        (IMPROVED, "Reliably improved"),
        (DETERIORATED, "Reliably deteriorated"),
        (NO_RELIABLE_CHANGE, "No reliable change"),
        (INSUFFICIENT_DATA, "Fewer than two administrations"),
        (NOT_APPLICABLE, "The instrument has no reliable change threshold"),
    ]


def reliable_change(instrument: Instrument, baseline: int, latest: int, count: int) -> str:
    if instrument.reliable_change is None:
        return ReliableChangeLabel.NOT_APPLICABLE
    if count < 2:
        return ReliableChangeLabel.INSUFFICIENT_DATA
    better = (
        baseline - latest
        if instrument.direction is Direction.LOWER_IS_BETTER
        else latest - baseline
    )
    if better >= instrument.reliable_change.threshold:
        return ReliableChangeLabel.IMPROVED
    if -better >= instrument.reliable_change.threshold:
        return ReliableChangeLabel.DETERIORATED
    return ReliableChangeLabel.NO_RELIABLE_CHANGE


def leaving_caseness(
    instrument: Instrument, baseline: int, latest: int, count: int, change_label: str
) -> tuple[bool | None, bool | None]:
    """(no longer a case, that and reliably improved) on one instrument: None where it has no
    cut-off, with fewer than two administrations, or when the client was not a case at
    baseline. Not "recovery", which NHS Talking Therapies defines on the PHQ-9/GAD-7 pair."""
    if instrument.clinical_cutoff is None or count < 2 or not instrument.is_case(baseline):
        return None, None
    no_longer_a_case = not instrument.is_case(latest)
    return no_longer_a_case, no_longer_a_case and change_label == ReliableChangeLabel.IMPROVED


def _point(assessment: Assessment) -> dict:
    return {
        "assessment": assessment.pk,
        "administered_on": assessment.administered_on,
        "total_score": assessment.total_score,
        "severity": assessment.severity or None,
    }


def instrument_outcomes(assessments: list[Assessment]) -> list[dict]:
    by_instrument: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_instrument[assessment.instrument].append(assessment)
    outcomes = []
    for code, instrument in INSTRUMENTS.items():
        points = by_instrument.get(code)
        if not points:
            continue
        first, last = points[0], points[-1]
        baseline, latest = first.total_score, last.total_score
        label = reliable_change(instrument, baseline, latest, len(points))
        no_longer_a_case, and_reliably_improved = leaving_caseness(
            instrument, baseline, latest, len(points), label
        )
        outcomes.append(
            {
                "instrument": code,
                "direction": instrument.direction.value,
                "points": [_point(point) for point in points],
                "baseline_assessment": first.pk,
                "latest_assessment": last.pk,
                "baseline": baseline,
                "latest": latest,
                "change": latest - baseline if len(points) > 1 else None,
                "reliable_change": label,
                "reliable_change_threshold": (
                    instrument.reliable_change.threshold if instrument.reliable_change else None
                ),
                "no_longer_a_case": no_longer_a_case,
                "reliably_improved_and_no_longer_a_case": and_reliably_improved,
            }
        )
    return outcomes


# --- Paired outcomes (PHQ-9 with GAD-7) ---------------------------------------------------------

PAIRING_WINDOW_DAYS = 7


class PairedOutcomeStatus:
    ASSESSED = "assessed"
    INSUFFICIENT_DATA = "insufficient_data"

    choices = [
        (ASSESSED, "Two or more paired administrations: first and last pair compared"),
        (INSUFFICIENT_DATA, "Fewer than two paired administrations: nothing to compare"),
    ]


def paired_administrations(
    phq9s: list[Assessment], gad7s: list[Assessment]
) -> list[tuple[Assessment, Assessment]]:
    """(PHQ-9, GAD-7) pairs, each administration in at most one, in date order.

    Walking both instruments in date order, a PHQ-9 and a GAD-7 at most PAIRING_WINDOW_DAYS
    apart are paired; where a later administration of the same instrument falls no later than
    the other one's date, it is the nearer and is paired instead (so of two the same day, the
    last recorded)."""
    window = datetime.timedelta(days=PAIRING_WINDOW_DAYS)
    pairs = []
    i = j = 0
    while i < len(phq9s) and j < len(gad7s):
        phq9_on, gad7_on = phq9s[i].administered_on, gad7s[j].administered_on
        if phq9_on <= gad7_on and i + 1 < len(phq9s) and phq9s[i + 1].administered_on <= gad7_on:
            i += 1
        elif gad7_on <= phq9_on and j + 1 < len(gad7s) and gad7s[j + 1].administered_on <= phq9_on:
            j += 1
        elif abs(phq9_on - gad7_on) <= window:
            pairs.append((phq9s[i], gad7s[j]))
            i += 1
            j += 1
        elif phq9_on < gad7_on:
            i += 1
        else:
            j += 1
    return pairs


def _pair(pair: tuple[Assessment, Assessment]) -> dict:
    phq9, gad7 = pair
    return {"phq9": _point(phq9), "gad7": _point(gad7)}


def _is_case(pair: tuple[Assessment, Assessment]) -> bool:
    phq9, gad7 = pair
    return PHQ9.is_case(phq9.total_score) or GAD7.is_case(gad7.total_score)


def paired_outcome(assessments: list[Assessment]) -> dict | None:
    """The NHS Talking Therapies outcomes from the first and the last paired administration of
    PHQ-9 and GAD-7; None when the client has not taken both instruments."""
    phq9s = [a for a in assessments if a.instrument == PHQ9.code]
    gad7s = [a for a in assessments if a.instrument == GAD7.code]
    if not phq9s or not gad7s:
        return None
    pairs = paired_administrations(phq9s, gad7s)
    outcome = {
        "status": PairedOutcomeStatus.INSUFFICIENT_DATA,
        "pairing_window_days": PAIRING_WINDOW_DAYS,
        "pair_count": len(pairs),
        "baseline_pair": _pair(pairs[0]) if pairs else None,
        "latest_pair": None,
        "caseness_at_baseline": _is_case(pairs[0]) if pairs else None,
        "recovery": None,
        "reliable_improvement": None,
        "reliable_deterioration": None,
        "reliable_recovery": None,
    }
    if len(pairs) < 2:
        return outcome
    first, last = pairs[0], pairs[-1]
    labels = [
        reliable_change(instrument, before.total_score, after.total_score, 2)
        for instrument, before, after in zip((PHQ9, GAD7), first, last, strict=True)
    ]
    deterioration = ReliableChangeLabel.DETERIORATED in labels
    improvement = ReliableChangeLabel.IMPROVED in labels and not deterioration
    outcome.update(
        status=PairedOutcomeStatus.ASSESSED,
        latest_pair=_pair(last),
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
    )
    if outcome["caseness_at_baseline"]:
        recovery = not _is_case(last)
        outcome.update(recovery=recovery, reliable_recovery=recovery and improvement)
    return outcome
