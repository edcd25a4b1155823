"""The other sections of GET /api/v1/clients/{id}/progress/: the instruments taken in registry
order, roots over time, sessions, homework and open risk flags; the supervisor's read, and a
fixed query count."""

import datetime
from datetime import UTC

import pytest
from django.utils import timezone

from assessments.instruments import INSTRUMENTS
from assessments.models import RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    ROOT_ORDER,
    outcome,
    progress_url,
    responses_scoring,
)
from tests.factories import HomeworkFactory, MeasureInvitationFactory, SessionFactory

d = datetime.date


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
    for status in ("sent", "completed", "expired")[: 1 + administrations // 15]:
        MeasureInvitationFactory(
            client=client_record, practice=client_record.practice, status=status
        )
    api = as_user(clinician)
    with django_assert_num_queries(8):  # seven reads and the audit event
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
