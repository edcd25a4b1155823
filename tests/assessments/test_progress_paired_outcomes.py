"""The paired outcomes of PHQ-9 with GAD-7 in GET /api/v1/clients/{id}/progress/, with real
administrations: the worked examples, null without both measures, voided pairs left out."""

import datetime

import pytest

from tests.assessments.conftest import (
    ASSESSMENTS,
    responses_scoring,
)

d = datetime.date


def point(body: dict, score: int, on: str, severity: str) -> dict:
    return {
        "assessment": body["id"],
        "administered_on": on,
        "total_score": score,
        "severity": severity,
    }


@pytest.mark.django_db
def test_paired_worked_example_is_reliable_improvement_not_recovery(
    client_record, administer, progress
):
    phq9_first = administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    gad7_first = administer(client_record, "gad7", responses_scoring("gad7", 12), on=d(2025, 1, 6))
    phq9_last = administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    # Taken two days after the PHQ-9: within the 7-day window, so the same time point.
    gad7_last = administer(client_record, "gad7", responses_scoring("gad7", 9), on=d(2025, 3, 5))

    assert progress()["paired_outcomes"] == {
        "status": "assessed",
        "pairing_window_days": 7,
        "pair_count": 2,
        "baseline_pair": {
            "phq9": point(phq9_first, 18, "2025-01-06", "moderately_severe"),
            "gad7": point(gad7_first, 12, "2025-01-06", "moderate"),
        },
        "latest_pair": {
            "phq9": point(phq9_last, 8, "2025-03-03", "mild"),
            "gad7": point(gad7_last, 9, "2025-03-05", "mild"),
        },
        "caseness_at_baseline": True,
        "recovery": False,  # GAD-7 9 is at or above 8
        "reliable_improvement": True,  # PHQ-9 down 10; GAD-7 down 3 is no deterioration
        "reliable_deterioration": False,
        "reliable_recovery": False,
    }


@pytest.mark.django_db
def test_paired_reliable_recovery_through_the_api(client_record, administer, progress):
    administer(client_record, "phq9", responses_scoring("phq9", 12), on=d(2025, 1, 6))
    administer(client_record, "gad7", responses_scoring("gad7", 9), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 9), on=d(2025, 3, 3))
    administer(client_record, "gad7", responses_scoring("gad7", 5), on=d(2025, 3, 3))

    paired = progress()["paired_outcomes"]

    assert (paired["recovery"], paired["reliable_improvement"], paired["reliable_recovery"]) == (
        True,
        True,
        True,
    )


@pytest.mark.django_db
def test_paired_outcomes_are_null_without_both_measures(client_record, administer, progress):
    administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    administer(client_record, "rses", responses_scoring("rses", 10), on=d(2025, 1, 6))

    assert progress()["paired_outcomes"] is None


@pytest.mark.django_db
def test_paired_outcomes_need_two_pairs_and_leave_voided_ones_out(
    as_user, clinician, client_record, administer, progress
):
    administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    first_gad7 = administer(client_record, "gad7", responses_scoring("gad7", 12), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    administer(client_record, "gad7", responses_scoring("gad7", 5), on=d(2025, 3, 3))
    assert progress()["paired_outcomes"]["status"] == "assessed"

    response = as_user(clinician).post(
        f"{ASSESSMENTS}{first_gad7['id']}/void/",
        {"reason": "Another client's form."},
        format="json",
    )
    assert response.status_code == 200, response.content

    paired = progress()["paired_outcomes"]
    # The January PHQ-9 has no GAD-7 within 7 days now: one pair, in March.
    assert (paired["status"], paired["pair_count"]) == ("insufficient_data", 1)
    assert paired["baseline_pair"]["phq9"]["administered_on"] == "2025-03-03"
    assert paired["latest_pair"] is None
    assert paired["caseness_at_baseline"] is False
    assert [
        paired[key]
        for key in (
            "recovery",
            "reliable_improvement",
            "reliable_deterioration",
            "reliable_recovery",
        )
    ] == [None, None, None, None]
