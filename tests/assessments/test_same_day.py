"""Two administrations of one instrument on the same day for one client: the second is
recorded only with a `same_day_reason` (clinical free text, encrypted at rest), and refused
without one, naming the administration already there and storing nothing."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from assessments.models import Assessment, RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    DAY,
)
from tests.factories import ClientFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

RISKY_PHQ9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]  # item 9 above 0: a refused write would leave a flag
REASON = "First attempt interrupted by a fire alarm; repeated after the break."


def body(client, *, instrument="phq9", on=DAY, **fields) -> dict:
    responses = RISKY_PHQ9 if instrument == "phq9" else [1] * 7
    return {
        "client": str(client.pk),
        "instrument": instrument,
        "administered_on": on.isoformat(),
        "responses": responses,
        **fields,
    }


@pytest.fixture
def api(as_user, clinician):
    return as_user(clinician)


@pytest.fixture
def first(api, client_record) -> dict:
    """The client's PHQ-9 of DAY, already recorded."""
    response = api.post(ASSESSMENTS, body(client_record), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def stored() -> list[tuple]:
    return list(
        Assessment.objects.order_by("created_at").values_list("id", "updated_at", "voided_at")
    ) + list(RiskFlag.objects.order_by("created_at").values_list("id", "updated_at", "client"))


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_second_administration_that_day_without_a_reason_is_refused(
    reason, api, client_record, first
):
    before = stored()
    fields = {} if reason is None else {"same_day_reason": reason}

    response = api.post(ASSESSMENTS, body(client_record, **fields), format="json")

    (error,) = assert_problem(response, 409, "same_day_reason")["errors"]
    assert first["id"] in error["message"]
    assert "PHQ-9" in error["message"]
    assert DAY.isoformat() in error["message"]
    assert stored() == before


def test_with_a_reason_it_is_recorded_and_the_reason_returned(api, client_record, first):
    response = api.post(ASSESSMENTS, body(client_record, same_day_reason=REASON), format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["same_day_reason"] == REASON
    assert api.get(f"{ASSESSMENTS}{created['id']}/").json()["same_day_reason"] == REASON
    assert Assessment.objects.get(pk=created["id"]).same_day_reason == REASON
    assert Assessment.objects.filter(administered_on=DAY, instrument="phq9").count() == 2


def test_the_reason_is_encrypted_at_rest(api, client_record, first):
    created = api.post(ASSESSMENTS, body(client_record, same_day_reason=REASON), format="json")
    assert created.status_code == 201, created.content

    table = connection.ops.quote_name(Assessment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT same_day_reason FROM {table}")  # noqa: S608
        (raw,) = [value for (value,) in cursor.fetchall() if value]  # the first has none
    assert REASON not in raw
    keys = [Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS]
    assert keys[0].decrypt(raw.encode()).decode() == REASON


def test_without_a_same_day_administration_no_reason_is_needed(api, client_record, first):
    assert first["same_day_reason"] == ""
    others = [
        body(client_record, instrument="gad7"),  # another instrument that day
        body(client_record, on=DAY + datetime.timedelta(days=1)),  # the next day
        body(ClientFactory(primary_clinician=client_record.primary_clinician)),  # another client
    ]
    for other in others:
        response = api.post(ASSESSMENTS, other, format="json")
        assert response.status_code == 201, (other, response.content)


def test_a_voided_administration_does_not_count(api, client_record, first):
    voided = api.post(
        f"{ASSESSMENTS}{first['id']}/void/", {"reason": "Wrong client."}, format="json"
    )
    assert voided.status_code == 200, voided.content

    response = api.post(ASSESSMENTS, body(client_record), format="json")

    assert response.status_code == 201, response.content


def test_a_third_administration_names_both_earlier_ones(api, client_record, first):
    second = api.post(ASSESSMENTS, body(client_record, same_day_reason=REASON), format="json")
    assert second.status_code == 201, second.content

    response = api.post(ASSESSMENTS, body(client_record), format="json")

    (error,) = assert_problem(response, 409, "same_day_reason")["errors"]
    assert first["id"] in error["message"]
    assert second.json()["id"] in error["message"]


def test_a_reason_on_a_first_administration_is_kept(api, client_record):
    response = api.post(ASSESSMENTS, body(client_record, same_day_reason=REASON), format="json")

    assert response.status_code == 201, response.content
    assert Assessment.objects.get().same_day_reason == REASON


def test_an_overlong_reason_is_refused(api, client_record, first):
    before = stored()
    response = api.post(ASSESSMENTS, body(client_record, same_day_reason="x" * 2001), format="json")
    assert_problem(response, 400, "same_day_reason")
    assert stored() == before
