"""A client's progress: outcome labels per instrument (docs/instruments.md), roots over time,
sessions, homework and open risk flags, through the functions and through
GET /api/v1/clients/{id}/progress/ with real administrations."""

import datetime
from datetime import UTC

import pytest
from django.utils import timezone

from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from assessments.outcomes import instrument_outcomes, leaving_caseness, reliable_change
from tests.assessments.conftest import (
    ASSESSMENTS,
    ROOT_ORDER,
    responses_scoring,
)
from tests.factories import HomeworkFactory, SessionFactory

d = datetime.date


def progress_url(client) -> str:
    return f"/api/v1/clients/{client.pk}/progress/"


def outcome(body: dict, code: str) -> dict:
    (found,) = [row for row in body["instruments"] if row["instrument"] == code]
    return found


def fake(code: str, total: int, on: datetime.date) -> Assessment:
    """An unsaved administration, as progress reads them (totals as docs/instruments.md scores)."""
    band = INSTRUMENTS[code].band_for(total)
    return Assessment(
        instrument=code, total_score=total, administered_on=on, severity=band.code if band else ""
    )


# --- The functions -----------------------------------------------------------------------------


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


# --- Through the API, with real administrations -------------------------------------------------


@pytest.fixture
def progress(as_user, clinician, client_record):
    """`progress()`: the client's progress as their clinician reads it."""

    def read(client=None, user=None):
        response = as_user(user or clinician).get(progress_url(client or client_record))
        assert response.status_code == 200, response.content
        return response.json()

    return read


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


# --- Paired outcomes (PHQ-9 with GAD-7) through the API ------------------------------------------


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


@pytest.mark.django_db
def test_instruments_never_taken_are_absent(client_record, administer, progress):
    assert progress()["instruments"] == []
    administer(client_record, "gad7", [0] * 7)
    assert [row["instrument"] for row in progress()["instruments"]] == ["gad7"]


@pytest.mark.django_db
def test_roots_count_completed_sessions_only(client_record, progress):
    def session(day, status, roots):
        SessionFactory(
            client=client_record,
            starts_at=datetime.datetime(2025, 1, day, 10, 0, tzinfo=UTC),
            status=status,
            roots_addressed=roots,
        )

    session(6, "completed", ["perfectionism", "past_failures"])
    session(13, "completed", ["perfectionism"])
    session(20, "completed", ["perfectionism", "social_comparison"])
    session(27, "cancelled", ["perfectionism", "early_childhood"])
    session(28, "no_show", ["early_childhood"])
    session(29, "scheduled", ["perfectionism"])

    roots = {row["root"]: row for row in progress()["roots"]}
    assert list(roots) == ROOT_ORDER
    assert roots["perfectionism"] == {
        "root": "perfectionism",
        "sessions_addressed": 3,
        "first_addressed": "2025-01-06",
        "last_addressed": "2025-01-20",
        "latest_index": None,
        "index_change": None,
    }
    assert (
        roots["past_failures"]["sessions_addressed"],
        roots["past_failures"]["last_addressed"],
    ) == (
        1,
        "2025-01-06",
    )
    assert roots["social_comparison"]["first_addressed"] == "2025-01-20"
    assert roots["early_childhood"] == {
        "root": "early_childhood",
        "sessions_addressed": 0,
        "first_addressed": None,
        "last_addressed": None,
        "latest_index": None,
        "index_change": None,
    }
    assert roots["relationship_dynamics"]["sessions_addressed"] == 0


@pytest.mark.django_db
def test_roots_with_one_roots5_have_a_latest_index_but_no_change(
    client_record, administer, progress
):
    administer(client_record, "roots5", [1, 2, 3, 4, 5])
    body = progress()
    assert [(r["latest_index"], r["index_change"]) for r in body["roots"]] == [
        (1, None),
        (2, None),
        (3, None),
        (4, None),
        (5, None),
    ]


@pytest.mark.django_db
def test_sessions_section(client_record, progress):
    for day, status in [(3, "completed"), (10, "cancelled"), (17, "completed"), (24, "scheduled")]:
        SessionFactory(
            client=client_record,
            starts_at=datetime.datetime(2025, 2, day, 9, 0, tzinfo=UTC),
            status=status,
        )
    assert progress()["sessions"] == {
        "total": 4,
        "completed": 2,
        "first": "2025-02-03",
        "last": "2025-02-17",
    }


@pytest.mark.django_db
def test_sessions_section_without_sessions(progress):
    assert progress()["sessions"] == {"total": 0, "completed": 0, "first": None, "last": None}


@pytest.mark.django_db
def test_homework_section_is_the_homework_summary(
    as_user, clinician, client_record, session_record, progress
):
    no_text = {"instructions": "", "target_roots": []}
    HomeworkFactory(
        client=client_record,
        session=session_record,
        assigned_by=clinician,
        title="Thought record",
        assigned_on=d(2025, 1, 6),
        status="completed",
        completed_on=d(2025, 1, 10),
        helpfulness=8,
        **no_text,
    )
    HomeworkFactory(
        client=client_record,
        assigned_by=clinician,
        strategy="realistic_goals",
        title="One small goal",
        assigned_on=d(2025, 1, 6),
        **no_text,
    )
    homework = progress()["homework"]
    assert homework["overall"]["assigned"] == 2
    assert homework["overall"]["completed"] == 1
    assert homework["overall"]["outstanding"] == 1
    assert [row["strategy"] for row in homework["by_strategy"]] == [
        "self_reflection",
        "professional_help",
        "supportive_relationships",
        "realistic_goals",
    ]
    summary = as_user(clinician).get(f"/api/v1/clients/{client_record.pk}/homework-summary/")
    assert summary.status_code == 200
    assert homework == summary.json()


@pytest.mark.django_db
def test_risk_flags_lists_open_flags_only(as_user, clinician, client_record, administer, progress):
    closed = administer(client_record, "phq9", [0] * 8 + [1], on=d(2025, 1, 6))
    still_open = administer(client_record, "phq9", [0] * 8 + [2], on=d(2025, 2, 6))
    administer(client_record, "phq9", [0] * 9, on=d(2025, 3, 6))
    flag = RiskFlag.objects.get(assessment_id=closed["id"])
    response = as_user(clinician).post(
        f"/api/v1/risk-flags/{flag.pk}/acknowledge/", {"note": "Reviewed."}, format="json"
    )
    assert response.status_code == 200, response.content
    flags = progress()["risk_flags"]
    assert [(f["assessment"], f["is_open"]) for f in flags] == [(still_open["id"], True)]


@pytest.mark.django_db
def test_the_supervisor_reads_progress(client_record, administer, progress, supervisor):
    administer(client_record, "phq9", responses_scoring("phq9", 18), on=d(2025, 1, 6))
    administer(client_record, "phq9", responses_scoring("phq9", 8), on=d(2025, 3, 3))
    assert progress(user=supervisor)["instruments"] == progress()["instruments"]


@pytest.mark.django_db
@pytest.mark.parametrize("administrations", [2, 30])
def test_progress_runs_a_fixed_number_of_queries(
    as_user, clinician, client_record, record, django_assert_num_queries, administrations
):
    codes = ["phq9", "gad7", "rses", "roots5"]
    for index in range(administrations):
        code = codes[index % 4]
        responses = [1] * len(INSTRUMENTS[code].items)  # PHQ-9 item 9 at 1: a risk flag each
        assessment = record(
            client_record, code, responses, on=d(2025, 1, 1) + datetime.timedelta(days=index)
        )
        if index % 5 == 4:
            assessment.voided_at = timezone.now()
            assessment.voided_by = clinician
            assessment.void_reason = "Test."
            assessment.save()
    for day in range(1, 1 + administrations // 2):
        SessionFactory(
            client=client_record,
            starts_at=datetime.datetime(2025, 1, day, 9, 0, tzinfo=UTC),
            roots_addressed=["perfectionism", "past_failures"],
        )
        HomeworkFactory(
            client=client_record,
            assigned_by=clinician,
            title=f"Homework {day}",
            assigned_on=d(2025, 1, day),
            instructions="",
            target_roots=[],
        )
    api = as_user(clinician)
    with django_assert_num_queries(7):  # six reads and the audit event
        response = api.get(progress_url(client_record))
    assert response.status_code == 200
    body = response.json()
    assert sum(len(row["points"]) for row in body["instruments"]) == administrations - (
        administrations // 5
    )
    assert len(body["risk_flags"]) == RiskFlag.objects.filter(client=client_record).count() > 0
    # PHQ-9 and GAD-7 a day apart pair up: one pair from two administrations, several from 30.
    assert body["paired_outcomes"]["status"] == (
        "assessed" if administrations > 2 else "insufficient_data"
    )


@pytest.mark.django_db
def test_instruments_are_reported_in_registry_order(client_record, administer, progress):
    for code in ("roots5", "rses", "gad7", "phq9"):
        administer(client_record, code, responses_scoring(code, 5))
    assert [row["instrument"] for row in progress()["instruments"]] == [
        "phq9",
        "gad7",
        "rses",
        "roots5",
    ]


@pytest.mark.django_db
def test_a_voided_roots5_is_left_out_of_the_roots_index(
    as_user, clinician, client_record, administer, progress
):
    administer(client_record, "roots5", [4, 4, 4, 4, 4], on=d(2025, 1, 6))
    wrong = administer(client_record, "roots5", [10, 10, 10, 10, 10], on=d(2025, 2, 6))
    as_user(clinician).post(
        f"{ASSESSMENTS}{wrong['id']}/void/", {"reason": "Typed into the wrong form."}, format="json"
    )
    body = progress()
    assert [(r["latest_index"], r["index_change"]) for r in body["roots"]] == [(4, None)] * 5
    assert outcome(body, "roots5")["points"][0]["total_score"] == 20
