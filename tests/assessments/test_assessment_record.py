"""Recording administrations through /api/v1/assessments/: scored, stored and returned as
docs/instruments.md says, in the recorder's own name, whatever scores the caller sends."""

import uuid

import pytest
from django.utils import timezone

from assessments.models import Assessment, RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    ROOT_ORDER,
    body_for,
    detail,
    responses_scoring,
)

pytestmark = pytest.mark.django_db


def test_worked_example_phq9_moderate_is_scored_stored_and_returned(
    as_user, clinician, client_record
):
    api = as_user(clinician)
    response = api.post(
        ASSESSMENTS, body_for(client_record, responses=[1, 2, 0, 3, 1, 0, 2, 1, 0]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_score"] == 10
    assert body["severity"] == "moderate"
    assert body["subscores"] == {}
    assert body["flags"] == []
    assert body["responses"] == [1, 2, 0, 3, 1, 0, 2, 1, 0]
    assert body["recorded_by"] == str(clinician.pk)
    assert body["client"] == str(client_record.pk)
    assert (body["voided_at"], body["voided_by"], body["void_reason"]) == (None, None, "")

    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.total_score, stored.severity, stored.flags) == (10, "moderate", [])
    assert stored.recorded_by == clinician
    assert not RiskFlag.objects.exists()
    assert api.get(detail(body["id"])).json() == body


def test_worked_example_phq9_item_9_alone_is_minimal_and_flagged(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, responses=[0, 0, 0, 0, 0, 0, 0, 0, 1]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (1, "minimal", ["risk"])
    (flag,) = RiskFlag.objects.all()
    assert str(flag.assessment_id) == body["id"]


@pytest.mark.parametrize(
    ("responses", "total", "severity"),
    [
        ([3, 0, 3, 3, 0, 0, 3, 0, 0, 3], 30, "high"),
        ([3] * 10, 15, "normal"),
        ([0] * 10, 15, "normal"),
        ([0, 3, 0, 0, 3, 3, 0, 3, 3, 0], 0, "low"),
    ],
)
def test_worked_examples_rses_through_the_api(
    as_user, clinician, client_record, responses, total, severity
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, instrument="rses", responses=responses), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (total, severity, [])
    assert Assessment.objects.get(pk=body["id"]).total_score == total


def test_gad7_is_scored_and_banded(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(client_record, instrument="gad7", responses=[3, 3, 3, 3, 3, 0, 0]),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (15, "severe", [])
    assert not RiskFlag.objects.exists()


def test_roots5_stores_subscores_by_root_and_no_severity(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(client_record, instrument="roots5", responses=[7, 0, 10, 3, 9]),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_score"] == 29
    assert body["severity"] is None
    assert body["subscores"] == dict(zip(ROOT_ORDER, [7, 0, 10, 3, 9], strict=True))
    assert list(body["subscores"]) == ROOT_ORDER
    assert Assessment.objects.get(pk=body["id"]).subscores == body["subscores"]


def test_session_source_and_today_are_kept(as_user, clinician, client_record, session_record):
    today = timezone.localdate()
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(
            client_record,
            session=str(session_record.pk),
            source="self_report",
            administered_on=today.isoformat(),
            responses=[0] * 9,
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["session"], body["source"]) == (str(session_record.pk), "self_report")
    assert body["administered_on"] == today.isoformat()
    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.session, stored.source, stored.administered_on) == (
        session_record,
        "self_report",
        today,
    )


def test_a_care_team_member_records_in_their_own_name(as_user, care_team_member, client_record):
    response = as_user(care_team_member).post(
        ASSESSMENTS, body_for(client_record, responses=[0] * 9), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == str(care_team_member.pk)


def test_scores_sent_by_the_caller_are_ignored(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(
            client_record,
            responses=[0] * 9,
            total_score=27,
            severity="severe",
            flags=[],
            subscores={"perfectionism": 10},
            recorded_by=str(uuid.uuid4()),
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["subscores"]) == (0, "minimal", {})
    assert body["recorded_by"] == str(clinician.pk)


def test_responses_scoring_helper_matches_the_spec():
    # The helper that builds vectors for other tests must itself be right.
    assert responses_scoring("phq9", 18) == [3, 3, 3, 3, 3, 3, 0, 0, 0]
    assert responses_scoring("rses", 30) == [3, 0, 3, 3, 0, 0, 3, 0, 0, 3]
