"""Refused administrations through /api/v1/assessments/: a 400 naming each bad field and nothing
stored; administrations are never edited or deleted."""

import datetime
import uuid

import pytest
from django.utils import timezone

from assessments.models import Assessment
from tests.assessments.conftest import (
    ASSESSMENTS,
    RISKY_PHQ9,
    body_for,
    detail,
)
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"responses": [0] * 8}, "responses"),
        ({"responses": [0] * 10}, "responses"),
        ({"responses": []}, "responses"),
        ({"responses": [0, 0, 0, 0, 0, 0, 2]}, "responses"),  # a GAD-7 vector sent as PHQ-9
        ({"responses": [1, 2, 0, 4, 1, 0, 2, 1, 2]}, "responses.3"),
        ({"responses": [-1, 2, 0, 3, 1, 0, 2, 1, 2]}, "responses.0"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 10]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, "2"]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 2.5]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 2.0]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, True]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, None]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, [2]]}, "responses.8"),
        ({"responses": "1,2,0,3,1,0,2,1,2"}, "responses"),
        ({"responses": None}, "responses"),
        ({"responses": ...}, "responses"),
        ({"instrument": "bdi2"}, "instrument"),
        ({"instrument": "PHQ9"}, "instrument"),
        ({"instrument": ...}, "instrument"),
        ({"administered_on": "03/03/2025"}, "administered_on"),
        ({"administered_on": ...}, "administered_on"),
        ({"source": "robot"}, "source"),
        ({"client": str(uuid.uuid4())}, "client"),
        ({"client": ...}, "client"),
    ],
)
def test_invalid_administrations_are_refused_naming_the_field(
    as_user, clinician, client_record, snapshot, overrides, field
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, **overrides), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == [field]
    assert response.json()["type"] == "urn:rootwise:problem:validation-error"
    assert snapshot() == {"assessments": [], "risk_flags": []}


@pytest.mark.parametrize(
    ("code", "responses", "field"),
    [
        ("gad7", [0, 0, 0, 0, 0, 0, 0, 0, 1], "responses"),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], "responses.6"),
        ("rses", [0, 0, 0, 0, 0, 4, 0, 0, 0, 0], "responses.5"),
        ("roots5", [0, 0, 11, 0, 0], "responses.2"),
        ("roots5", [0, 0, 0, 0, 0, 0], "responses"),
    ],
)
def test_each_instrument_checks_its_own_items_and_options(
    as_user, clinician, client_record, snapshot, code, responses, field
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, instrument=code, responses=responses), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == [field]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_several_bad_answers_are_each_named(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, responses=[4, 0, 0, 0, 9, 0, 0, 0, 0]), format="json"
    )
    assert response.status_code == 400
    assert sorted(error_fields(response)) == ["responses.0", "responses.4"]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("days_ahead", [1, 400])
def test_a_future_date_is_refused(as_user, clinician, client_record, snapshot, days_ahead):
    future = timezone.localdate() + datetime.timedelta(days=days_ahead)
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, administered_on=future.isoformat()), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["administered_on"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_a_session_of_another_client_is_refused(as_user, clinician, client_record, snapshot):
    other_client = ClientFactory(primary_clinician=clinician)
    their_session = SessionFactory(client=other_client)
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, session=str(their_session.pk)), format="json"
    )
    assert response.status_code == 409, response.content
    assert error_fields(response) == ["session"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_a_session_the_caller_cannot_see_is_refused(as_user, clinician, client_record, snapshot):
    unseen_session = SessionFactory()  # another clinician's client, in another practice
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, session=str(unseen_session.pk)), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["session"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


# --- Never edited or deleted ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_administrations_cannot_be_edited_or_deleted(
    as_user, clinician, client_record, administer, snapshot, method
):
    created = administer(client_record, "phq9", RISKY_PHQ9)
    before = snapshot()
    api = as_user(clinician)
    response = getattr(api, method)(
        detail(created["id"]),
        body_for(client_record, responses=[0] * 9),
        format="json",
    )
    assert response.status_code == 405, response.content
    assert error_fields(response) == []
    assert response.json()["type"] == "urn:rootwise:problem:method-not-allowed"
    assert snapshot() == before
