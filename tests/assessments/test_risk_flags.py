"""Risk flags: a PHQ-9 with item 9 above 0 opens one, whatever the total; it is never lost or
hidden by a void, and only a clinician of the client closes it, with a note that is kept."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    RISK_FLAGS,
)
from tests.factories import ClientFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


def detail(pk) -> str:
    return f"{RISK_FLAGS}{pk}/"


def acknowledge(api, pk, payload):
    return api.post(f"{detail(pk)}acknowledge/", payload, format="json")


def listed(api, **params) -> list[dict]:
    response = api.get(RISK_FLAGS, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    return body["results"]


def open_count(api, client) -> int:
    response = api.get(f"/api/v1/clients/{client.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["open_risk_flags"]


@pytest.fixture
def flagged(client_record, administer):
    """A PHQ-9 of `client_record` with item 9 at 1 (total 1), and its risk flag."""
    assessment = administer(client_record, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    return assessment, RiskFlag.objects.get(assessment_id=assessment["id"])


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_above_zero_opens_one_flag(
    as_user, clinician, client_record, administer, item9
):
    assessment = administer(client_record, "phq9", [0] * 8 + [item9])
    api = as_user(clinician)

    (flag,) = listed(api)
    assert flag["client"] == str(client_record.pk)
    assert flag["assessment"] == assessment["id"]
    assert flag["flag"] == "risk"
    assert flag["raised_on"] == assessment["administered_on"]
    assert flag["is_open"] is True
    assert flag["assessment_voided"] is False
    assert (flag["acknowledged_at"], flag["acknowledged_by"], flag["acknowledgement_note"]) == (
        None,
        None,
        "",
    )
    assert "PHQ-9" in flag["description"]
    assert [f["id"] for f in listed(api, open="true")] == [flag["id"]]
    assert listed(api, open="false") == []
    assert open_count(api, client_record) == 1
    assert api.get(detail(flag["id"])).json() == flag


def test_a_high_total_with_item_9_at_zero_opens_no_flag(
    as_user, clinician, client_record, administer
):
    assessment = administer(client_record, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert assessment["total_score"] == 24
    api = as_user(clinician)
    assert listed(api) == []
    assert open_count(api, client_record) == 0
    assert not RiskFlag.objects.exists()


@pytest.mark.parametrize(
    ("code", "responses"),
    [
        ("gad7", [3] * 7),
        ("rses", [0, 3, 0, 0, 3, 3, 0, 3, 3, 0]),  # the lowest self-esteem there is
        ("roots5", [10] * 5),
    ],
)
def test_other_instruments_open_no_flag(
    as_user, clinician, client_record, administer, code, responses
):
    administer(client_record, code, responses)
    api = as_user(clinician)
    assert listed(api) == []
    assert open_count(api, client_record) == 0


def test_each_risky_administration_opens_its_own_flag(
    as_user, clinician, client_record, administer
):
    first = administer(client_record, "phq9", [0] * 8 + [1])
    second = administer(client_record, "phq9", [2] * 8 + [3], same_day_reason="Re-screened.")
    api = as_user(clinician)
    assert {f["assessment"] for f in listed(api, open="true")} == {first["id"], second["id"]}
    assert open_count(api, client_record) == 2


def test_voiding_the_assessment_leaves_the_flag_open(
    as_user, clinician, client_record, flagged, snapshot
):
    assessment, flag = flagged
    api = as_user(clinician)
    response = api.post(
        f"{ASSESSMENTS}{assessment['id']}/void/", {"reason": "Wrong form."}, format="json"
    )
    assert response.status_code == 200, response.content

    (shown,) = listed(api, open="true")
    assert shown["id"] == str(flag.pk)
    assert shown["is_open"] is True
    assert shown["assessment_voided"] is True
    assert api.get(detail(flag.pk)).json()["assessment_voided"] is True
    assert RiskFlag.objects.get(pk=flag.pk).acknowledged_at is None
    assert open_count(api, client_record) == 1


def test_acknowledging_records_who_when_and_the_note_and_closes_it(
    as_user, clinician, client_record, flagged
):
    _, flag = flagged
    api = as_user(clinician)
    before = timezone.now()
    response = acknowledge(api, flag.pk, {"note": "Phoned the client; safety plan reviewed."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_open"] is False
    assert body["acknowledged_by"] == str(clinician.pk)
    assert body["acknowledgement_note"] == "Phoned the client; safety plan reviewed."
    assert body["acknowledged_at"] is not None

    stored = RiskFlag.objects.get(pk=flag.pk)
    assert before <= stored.acknowledged_at <= timezone.now()
    assert stored.acknowledged_by == clinician
    assert stored.acknowledgement_note == "Phoned the client; safety plan reviewed."

    assert listed(api, open="true") == []
    assert [f["id"] for f in listed(api, open="false")] == [str(flag.pk)]
    assert [f["id"] for f in listed(api)] == [str(flag.pk)]  # kept, not deleted
    assert open_count(api, client_record) == 0


def test_a_care_team_member_may_acknowledge(as_user, care_team_member, flagged):
    _, flag = flagged
    response = acknowledge(as_user(care_team_member), flag.pk, {"note": "Seen today."})
    assert response.status_code == 200, response.content
    assert RiskFlag.objects.get(pk=flag.pk).acknowledged_by == care_team_member


def test_a_flag_of_a_voided_assessment_can_still_be_acknowledged(as_user, clinician, flagged):
    assessment, flag = flagged
    api = as_user(clinician)
    api.post(f"{ASSESSMENTS}{assessment['id']}/void/", {"reason": "Wrong form."}, format="json")
    response = acknowledge(api, flag.pk, {"note": "Checked anyway: no current risk."})
    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False
    assert response.json()["assessment_voided"] is True


def test_acknowledging_twice_is_a_conflict(as_user, clinician, flagged, snapshot):
    _, flag = flagged
    api = as_user(clinician)
    assert acknowledge(api, flag.pk, {"note": "First."}).status_code == 200
    before = snapshot()
    response = acknowledge(api, flag.pk, {"note": "Second."})
    assert response.status_code == 409, response.content
    assert error_fields(response) == []
    assert response.json()["type"] == "urn:rootwise:problem:conflict"
    assert snapshot() == before
    assert RiskFlag.objects.get(pk=flag.pk).acknowledgement_note == "First."


@pytest.mark.parametrize("payload", [{}, {"note": ""}, {"note": "   "}, {"note": None}])
def test_acknowledging_needs_a_note(as_user, clinician, flagged, snapshot, payload):
    _, flag = flagged
    before = snapshot()
    response = acknowledge(as_user(clinician), flag.pk, payload)
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["note"]
    assert snapshot() == before
    assert RiskFlag.objects.get(pk=flag.pk).is_open


def test_the_supervisor_reads_but_may_not_acknowledge(
    as_user, supervisor, client_record, flagged, snapshot
):
    _, flag = flagged
    api = as_user(supervisor)
    assert [f["id"] for f in listed(api)] == [str(flag.pk)]
    assert api.get(detail(flag.pk)).status_code == 200
    before = snapshot()
    response = acknowledge(api, flag.pk, {"note": "Supervisor says fine."})
    assert response.status_code == 403, response.content
    assert error_fields(response) == []
    assert snapshot() == before


@pytest.mark.parametrize("who", ["admin", "colleague", "stranger", "outsider", "other_supervisor"])
def test_people_without_access_get_404_and_change_nothing(request, as_user, flagged, snapshot, who):
    _, flag = flagged
    api = as_user(request.getfixturevalue(who))
    before = snapshot()
    response = acknowledge(api, flag.pk, {"note": "Not mine to say."})
    assert response.status_code == 404, response.content
    assert error_fields(response) == []
    assert snapshot() == before
    assert api.get(detail(flag.pk)).status_code == 404
    assert listed(api) == []


def test_filter_by_client(as_user, clinician, client_record, administer):
    other = ClientFactory(primary_clinician=clinician)
    mine = administer(client_record, "phq9", [0] * 8 + [1])
    theirs = administer(other, "phq9", [0] * 8 + [2])
    api = as_user(clinician)
    assert [f["assessment"] for f in listed(api, client=str(client_record.pk))] == [mine["id"]]
    assert [f["assessment"] for f in listed(api, client=str(other.pk))] == [theirs["id"]]
    assert len(listed(api)) == 2


@pytest.mark.parametrize("rows", [1, 25])
def test_list_query_count_is_fixed(
    as_user, clinician, client_record, record, django_assert_num_queries, rows
):
    for index in range(rows):
        assessment = record(client_record, "phq9", [1] * 9, same_day_reason="Repeated.")
        if index % 3 == 1:
            assessment.voided_at = timezone.now()
            assessment.voided_by = clinician
            assessment.void_reason = "Test."
            assessment.save()
        if index % 2 == 1:
            RiskFlag.objects.filter(assessment=assessment).update(
                acknowledged_at=timezone.now(), acknowledged_by=clinician, acknowledgement_note="Ok"
            )
    api = as_user(clinician)
    with django_assert_num_queries(2):  # the page, and the audit event
        response = api.get(RISK_FLAGS)
    results = response.json()["results"]
    assert len(results) == rows
    assert sum(row["assessment_voided"] for row in results) == rows // 3 + (rows % 3 == 2)


def test_the_list_runs_latest_raised_first(as_user, clinician, client_record, administer):
    middle = administer(client_record, "phq9", [0] * 8 + [1], on=datetime.date(2025, 2, 1))
    latest = administer(client_record, "phq9", [0] * 8 + [1], on=datetime.date(2025, 3, 1))
    earliest = administer(client_record, "phq9", [0] * 8 + [1], on=datetime.date(2025, 1, 1))
    assert [f["assessment"] for f in listed(as_user(clinician))] == [
        latest["id"],
        middle["id"],
        earliest["id"],
    ]
