"""Voiding an administration through /api/v1/assessments/{id}/void/: the record is kept with who,
when and why, listed only on request, and voided once."""

import pytest
from django.utils import timezone

from assessments.models import Assessment
from tests.assessments.conftest import (
    ASSESSMENTS,
    detail,
    ids,
)
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


def void(api, pk, reason):
    return api.post(f"{detail(pk)}void/", {"reason": reason}, format="json")


def test_void_keeps_the_record_with_who_when_and_why(as_user, clinician, client_record, administer):
    created = administer(client_record, "phq9", [1] * 9)
    before = timezone.now()
    response = as_user(clinician).post(
        f"{detail(created['id'])}void/", {"reason": "Entered for the wrong client."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["voided_by"] == str(clinician.pk)
    assert body["void_reason"] == "Entered for the wrong client."
    assert body["voided_at"] is not None
    stored = Assessment.objects.get(pk=created["id"])
    assert before <= stored.voided_at <= timezone.now()
    assert (stored.voided_by, stored.void_reason) == (clinician, "Entered for the wrong client.")
    # Everything else is as recorded.
    assert (stored.total_score, stored.responses, stored.severity) == (9, [1] * 9, "mild")


def test_voided_administrations_are_listed_only_on_request(
    as_user, clinician, client_record, administer
):
    kept = administer(client_record, "gad7", [1] * 7)
    voided = administer(client_record, "gad7", [2] * 7, same_day_reason="Entered twice.")
    api = as_user(clinician)
    assert void(api, voided["id"], "Duplicate.").status_code == 200

    assert ids(api.get(ASSESSMENTS)) == {kept["id"]}
    assert ids(api.get(ASSESSMENTS, {"include_voided": "false"})) == {kept["id"]}
    listed = api.get(ASSESSMENTS, {"include_voided": "true"})
    assert ids(listed) == {kept["id"], voided["id"]}
    (row,) = [r for r in listed.json()["results"] if r["id"] == voided["id"]]
    assert (row["void_reason"], row["voided_by"]) == ("Duplicate.", str(clinician.pk))


def test_a_voided_administration_can_still_be_read(as_user, clinician, client_record, administer):
    created = administer(client_record, "phq9", [0] * 8 + [1])
    api = as_user(clinician)
    assert void(api, created["id"], "Duplicate.").status_code == 200
    response = api.get(detail(created["id"]))
    assert response.status_code == 200, response.content
    assert response.json()["void_reason"] == "Duplicate."


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_void_needs_a_reason(as_user, clinician, client_record, administer, snapshot, payload):
    created = administer(client_record, "phq9", [1] * 9)
    before = snapshot()
    response = as_user(clinician).post(f"{detail(created['id'])}void/", payload, format="json")
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["reason"]
    assert snapshot() == before
    assert Assessment.objects.get(pk=created["id"]).voided_at is None


def test_voiding_twice_is_a_conflict(as_user, clinician, client_record, administer, snapshot):
    created = administer(client_record, "phq9", [1] * 9)
    api = as_user(clinician)
    assert void(api, created["id"], "First.").status_code == 200
    before = snapshot()
    response = void(api, created["id"], "Second.")
    assert snapshot() == before
    assert Assessment.objects.get(pk=created["id"]).void_reason == "First."
    assert response.status_code == 409, response.content
    assert error_fields(response) == []


def test_voiding_twice_changes_nothing(as_user, clinician, client_record, administer, snapshot):
    """A second void never overwrites the first (its status code: see the test above)."""
    created = administer(client_record, "phq9", [1] * 9)
    api = as_user(clinician)
    assert void(api, created["id"], "First.").status_code == 200
    before = snapshot()
    void(api, created["id"], "Second.")
    assert snapshot() == before
    stored = Assessment.objects.get(pk=created["id"])
    assert (stored.void_reason, stored.voided_by) == ("First.", clinician)
