"""A client's outcome labels per instrument (docs/instruments.md) through
GET /api/v1/clients/{id}/progress/ with real administrations: the worked examples, baseline and
latest, deterioration, caseness, the roots5 change per root, and voided administrations left out."""

import datetime

import pytest

from tests.assessments.conftest import (
    ASSESSMENTS,
    ROOT_ORDER,
    outcome,
    responses_scoring,
)

d = datetime.date


@pytest.mark.django_db
def test_worked_example_phq9_18_to_8_through_the_api(client_record, administer, progress):
    first = administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    last = administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    assert (first["total_score"], last["total_score"]) == (18, 8)

    row = outcome(progress(), "phq9")
    assert row["direction"] == "lower_is_better"
    assert row["points"] == [
        {
            "assessment": first["id"],
            "administered_on": "2025-01-06",
            "total_score": 18,
            "severity": "moderately_severe",
        },
        {
            "assessment": last["id"],
            "administered_on": "2025-03-03",
            "total_score": 8,
            "severity": "mild",
        },
    ]
    assert (row["baseline"], row["latest"], row["change"]) == (18, 8, -10)
    assert row["reliable_change"] == "improved"
    assert row["reliable_change_threshold"] == 6
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (True, True)


@pytest.mark.django_db
def test_worked_example_gad7_12_to_9_through_the_api(client_record, administer, progress):
    administer(client_record, "gad7", responses_scoring("gad7", 12), on=d(2025, 1, 6))
    administer(client_record, "gad7", responses_scoring("gad7", 9), on=d(2025, 3, 3))
    row = outcome(progress(), "gad7")
    assert (row["baseline"], row["latest"], row["change"]) == (12, 9, -3)
    assert row["reliable_change"] == "no_reliable_change"
    assert row["reliable_change_threshold"] == 4
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (
        False,
        False,
    )


@pytest.mark.django_db
def test_baseline_and_latest_name_their_administrations_even_on_one_day(
    client_record, administer, progress
):
    # Two PHQ-9s on one day: the first recorded is the baseline, the second the latest.
    morning = administer(client_record, "phq9", responses_scoring("phq9", 16), on=d(2025, 2, 3))
    afternoon = administer(
        client_record,
        "phq9",
        responses_scoring("phq9", 9),
        on=d(2025, 2, 3),
        same_day_reason="Repeated after a distressing morning.",
    )
    row = outcome(progress(), "phq9")
    assert (row["baseline_assessment"], row["latest_assessment"]) == (
        morning["id"],
        afternoon["id"],
    )
    assert (row["baseline"], row["latest"], row["reliable_change"]) == (16, 9, "improved")

    # An earlier-dated one, recorded last, becomes the baseline.
    earliest = administer(client_record, "phq9", responses_scoring("phq9", 20), on=d(2025, 1, 6))
    row = outcome(progress(), "phq9")
    assert (row["baseline_assessment"], row["latest_assessment"]) == (
        earliest["id"],
        afternoon["id"],
    )


@pytest.mark.django_db
def test_a_single_administration_is_both_baseline_and_latest(client_record, administer, progress):
    only = administer(client_record, "rses", responses_scoring("rses", 12))
    row = outcome(progress(), "rses")
    assert (row["baseline_assessment"], row["latest_assessment"]) == (only["id"], only["id"])


@pytest.mark.django_db
def test_deterioration(client_record, administer, progress):
    administer(client_record, "phq9", responses_scoring("phq9", 4), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 12), on=d(2025, 2, 6))
    row = outcome(progress(), "phq9")
    assert (row["change"], row["reliable_change"]) == (8, "deteriorated")
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (
        None,
        None,
    )  # not a case at baseline


@pytest.mark.django_db
def test_a_single_administration_is_insufficient_data(client_record, administer, progress):
    administer(client_record, "gad7", responses_scoring("gad7", 15))
    row = outcome(progress(), "gad7")
    assert (row["baseline"], row["latest"], row["change"]) == (15, 15, None)
    assert row["reliable_change"] == "insufficient_data"
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (None, None)
    assert len(row["points"]) == 1


@pytest.mark.django_db
def test_no_longer_a_case_without_reliable_change(client_record, administer, progress):
    administer(client_record, "phq9", responses_scoring("phq9", 11), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 2, 6))
    row = outcome(progress(), "phq9")
    assert row["reliable_change"] == "no_reliable_change"
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (True, False)


@pytest.mark.django_db
def test_rses_higher_is_better(client_record, administer, progress):
    administer(client_record, "rses", responses_scoring("rses", 10), on=d(2025, 1, 6))
    administer(client_record, "rses", responses_scoring("rses", 17), on=d(2025, 2, 6))
    row = outcome(progress(), "rses")
    assert row["direction"] == "higher_is_better"
    assert (row["baseline"], row["latest"], row["change"]) == (10, 17, 7)
    assert row["reliable_change"] == "improved"
    assert row["reliable_change_threshold"] == 6
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (True, True)
    assert [p["severity"] for p in row["points"]] == ["low", "normal"]


@pytest.mark.django_db
def test_rses_falling_self_esteem_is_deterioration(client_record, administer, progress):
    administer(client_record, "rses", responses_scoring("rses", 22), on=d(2025, 1, 6))
    administer(client_record, "rses", responses_scoring("rses", 14), on=d(2025, 2, 6))
    row = outcome(progress(), "rses")
    assert (row["change"], row["reliable_change"]) == (-8, "deteriorated")
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (None, None)


@pytest.mark.django_db
def test_roots5_reports_not_applicable_and_the_change_per_root(client_record, administer, progress):
    administer(client_record, "roots5", [8, 6, 9, 2, 10], on=d(2025, 1, 6))
    administer(client_record, "roots5", [5, 6, 4, 3, 7], on=d(2025, 3, 3))
    body = progress()
    row = outcome(body, "roots5")
    assert (row["baseline"], row["latest"], row["change"]) == (35, 25, -10)
    assert row["reliable_change"] == "not_applicable"
    assert row["reliable_change_threshold"] is None
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (None, None)
    assert [p["severity"] for p in row["points"]] == [None, None]
    assert [r["root"] for r in body["roots"]] == ROOT_ORDER
    assert [(r["latest_index"], r["index_change"]) for r in body["roots"]] == [
        (5, -3),
        (6, 0),
        (4, -5),
        (3, 1),
        (7, -3),
    ]


@pytest.mark.django_db
def test_baseline_and_latest_follow_the_date_not_the_order_of_entry(
    client_record, administer, progress
):
    # Entered out of order: the latest-dated first, the earliest last.
    administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    administer(client_record, "phq9", responses_scoring("phq9", 12), on=d(2025, 2, 3))
    administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    row = outcome(progress(), "phq9")
    assert [p["administered_on"] for p in row["points"]] == [
        "2025-01-06",
        "2025-02-03",
        "2025-03-03",
    ]
    assert (row["baseline"], row["latest"], row["change"]) == (18, 8, -10)
    assert row["reliable_change"] == "improved"
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (True, True)


@pytest.mark.django_db
def test_voided_administrations_are_left_out(
    as_user, clinician, client_record, administer, progress
):
    wrong = administer(
        client_record, "phq9", responses_scoring("phq9", 25, item9=1), on=d(2025, 1, 1)
    )
    first = administer(client_record, "phq9", responses_scoring("phq9", 11), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 9), on=d(2025, 2, 6))
    response = as_user(clinician).post(
        f"{ASSESSMENTS}{wrong['id']}/void/", {"reason": "Another client's form."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = progress()
    row = outcome(body, "phq9")
    assert row["points"][0]["assessment"] == first["id"]
    assert len(row["points"]) == 2
    assert (row["baseline"], row["latest"], row["change"]) == (11, 9, -2)
    assert (row["no_longer_a_case"], row["reliably_improved_and_no_longer_a_case"]) == (True, False)
    # ...but its risk flag is not: it stays open and listed.
    (flag,) = body["risk_flags"]
    assert (flag["assessment"], flag["assessment_voided"], flag["is_open"]) == (
        wrong["id"],
        True,
        True,
    )
