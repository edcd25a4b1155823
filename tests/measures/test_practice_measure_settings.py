"""A practice's defaults for measures: how long links stay open, when an unacknowledged risk
alert is sent again, and the crisis text a client at risk reads. Admins change them, within
bounds (400 otherwise, nothing stored); clinicians and supervisors are refused (403); while
the practice has written no crisis text of its own, the default is what clients read."""

import pytest

from api.auth.models import DEFAULT_CRISIS_TEXT, Practice
from tests.helpers import as_each, assert_problem

pytestmark = pytest.mark.django_db

PRACTICE = "/api/v1/practice/"


def stored(practice) -> dict:
    return Practice.objects.filter(pk=practice.pk).values().get()


@pytest.mark.parametrize(
    "change",
    [
        {"measure_expiry_days": 1},
        {"measure_expiry_days": 30},
        {"risk_alert_escalation_hours": 1},
        {"risk_alert_escalation_hours": 168},
        {"crisis_text": "Call our duty line on 0161 496 0000, or 999 in an emergency."},
    ],
)
def test_an_admin_changes_them(change, admin, practice, as_user):
    response = as_user(admin).patch(PRACTICE, change, format="json")

    assert response.status_code == 200, response.content
    ((name, value),) = change.items()
    assert response.json()[name] == value
    assert stored(practice)[name] == value


@pytest.mark.parametrize(
    "change",
    [
        {"measure_expiry_days": 0},
        {"measure_expiry_days": 31},
        {"risk_alert_escalation_hours": 0},
        {"risk_alert_escalation_hours": 169},
        {"measure_expiry_days": "a week"},
        {"crisis_text": "x" * 2001},
        {"crisis_text": None},
    ],
)
def test_out_of_bounds_is_400_naming_the_field(change, admin, practice, as_user):
    before = stored(practice)

    response = as_user(admin).patch(PRACTICE, change, format="json")

    assert_problem(response, 400, *change)
    assert stored(practice) == before


@as_each("clinician", "supervisor")
def test_staff_who_are_not_admins_are_refused(person, practice, as_user):
    before = stored(practice)

    response = as_user(person).patch(
        PRACTICE, {"measure_expiry_days": 3, "crisis_text": "Ours."}, format="json"
    )

    assert assert_problem(response, 403)["errors"] == []
    assert stored(practice) == before


def test_another_practices_admin_changes_only_their_own(
    stranger, practice, other_practice, as_user
):
    before = stored(practice)

    response = as_user(stranger).patch(PRACTICE, {"measure_expiry_days": 3}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(other_practice.pk)
    assert stored(practice) == before


def test_the_default_crisis_text_is_shown_while_the_practice_has_none(admin, as_user):
    api = as_user(admin)

    default = api.get(PRACTICE).json()
    own = api.patch(PRACTICE, {"crisis_text": "Ours."}, format="json").json()
    emptied = api.patch(PRACTICE, {"crisis_text": ""}, format="json").json()

    assert (default["crisis_text"], default["crisis_text_shown"]) == ("", DEFAULT_CRISIS_TEXT)
    assert (own["crisis_text"], own["crisis_text_shown"]) == ("Ours.", "Ours.")
    assert (emptied["crisis_text"], emptied["crisis_text_shown"]) == ("", DEFAULT_CRISIS_TEXT)


def test_crisis_text_shown_cannot_be_written(admin, practice, as_user):
    response = as_user(admin).patch(PRACTICE, {"crisis_text_shown": "Mine."}, format="json")

    assert response.status_code == 200, response.content  # read-only: ignored
    assert response.json()["crisis_text_shown"] == DEFAULT_CRISIS_TEXT
    assert stored(practice)["crisis_text"] == ""


def test_the_defaults_are_a_week_and_a_day(admin, as_user):
    body = as_user(admin).get(PRACTICE).json()

    assert (body["measure_expiry_days"], body["risk_alert_escalation_hours"]) == (7, 24)
