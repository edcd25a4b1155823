"""The homework lifecycle: `assigned` moves once, through one of four actions, to a closed
status. Every other move, a PATCH or PUT of the status or outcome, and any edit after closing
answer 409 and change nothing. Homework is never deleted."""

from datetime import timedelta

import pytest

from sessions.homework.models import Homework
from tests.factories import HomeworkFactory
from tests.helpers import assert_problem, error_fields
from tests.homework.conftest import (
    ACTIONS,
    CLOSED_STATUSES,
    close,
    days_ago,
    homework_url,
    stored,
    today,
)

pytestmark = pytest.mark.django_db

CONFLICT = "urn:rootwise:problem:conflict"


# The four legal moves


def stored_outcome(homework) -> tuple:
    """The homework's status, completion date, helpfulness and note, read afresh."""
    homework.refresh_from_db()
    return (homework.status, homework.completed_on, homework.helpfulness, homework.outcome_note)


@pytest.mark.parametrize("action", ["complete", "partially-complete"])
def test_done_records_date_helpfulness_and_note(action, homework, clinician, as_user):
    response = as_user(clinician).post(
        homework_url(homework, action),
        {"completed_on": days_ago(2).isoformat(), "helpfulness": 8, "outcome_note": "Did 5 of 7."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["completed_on"], body["helpfulness"], body["outcome_note"]) == (
        ACTIONS[action],
        days_ago(2).isoformat(),
        8,
        "Did 5 of 7.",
    )
    assert stored_outcome(homework) == (ACTIONS[action], days_ago(2), 8, "Did 5 of 7.")
    assert homework.title == "Thought record"


@pytest.mark.parametrize("action", ["complete", "partially-complete"])
def test_done_defaults_to_today_with_no_rating(action, homework, clinician, as_user):
    response = as_user(clinician).post(homework_url(homework, action), {}, format="json")

    assert response.status_code == 200, response.content
    assert stored_outcome(homework) == (ACTIONS[action], today(), None, "")


@pytest.mark.parametrize("helpfulness", [0, 10])
def test_helpfulness_bounds_are_accepted(helpfulness, homework, clinician, as_user):
    response = as_user(clinician).post(
        homework_url(homework, "complete"), {"helpfulness": helpfulness}, format="json"
    )

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert homework.helpfulness == helpfulness


def test_completion_on_the_day_it_was_assigned_is_accepted(homework, clinician, as_user):
    response = as_user(clinician).post(
        homework_url(homework, "partially-complete"),
        {"completed_on": homework.assigned_on.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert homework.completed_on == homework.assigned_on


@pytest.mark.parametrize("action", ["not-completed", "cancel"])
def test_not_completed_and_cancel_record_a_note_only(action, homework, clinician, as_user):
    response = as_user(clinician).post(
        homework_url(homework, action), {"outcome_note": "Too busy this week."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == ACTIONS[action]
    assert stored_outcome(homework) == (ACTIONS[action], None, None, "Too busy this week.")


@pytest.mark.parametrize("action", list(ACTIONS))
def test_care_team_member_closes_homework(action, homework, care_team_member, as_user):
    response = as_user(care_team_member).post(homework_url(homework, action), {}, format="json")

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert homework.status == ACTIONS[action]


# Refused closings: nothing changes


@pytest.mark.parametrize("action", ["complete", "partially-complete"])
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"helpfulness": -1}, "helpfulness"),
        ({"helpfulness": 11}, "helpfulness"),
        ({"helpfulness": "very"}, "helpfulness"),
        ({"completed_on": "yesterday"}, "completed_on"),
    ],
)
def test_invalid_outcome_is_refused_and_homework_stays_assigned(
    action, payload, field, homework, clinician, as_user
):
    before = stored(homework)

    response = as_user(clinician).post(homework_url(homework, action), payload, format="json")

    assert_problem(response, 400)
    assert error_fields(response) == [field]
    assert stored(homework) == before
    assert before["status"] == "assigned"


@pytest.mark.parametrize("action", ["complete", "partially-complete"])
@pytest.mark.parametrize(
    ("completed_on", "status"),
    [
        # Before the stored assignment date: a conflict with the record.
        pytest.param(
            lambda homework: homework.assigned_on - timedelta(days=1),
            409,
            id="before-assigned",
        ),
        pytest.param(lambda homework: today() + timedelta(days=1), 400, id="tomorrow"),
    ],
)
def test_completion_date_before_assignment_or_in_future_is_refused(
    action, completed_on, status, homework, clinician, as_user
):
    before = stored(homework)

    response = as_user(clinician).post(
        homework_url(homework, action),
        {"completed_on": completed_on(homework).isoformat(), "helpfulness": 7},
        format="json",
    )

    assert_problem(response, status)
    assert error_fields(response) == ["completed_on"]
    assert stored(homework) == before


def test_default_completion_date_before_a_future_assignment_is_refused(
    client_record, clinician, as_user
):
    homework = HomeworkFactory(client=client_record, assigned_on=today() + timedelta(days=3))
    before = stored(homework)

    response = as_user(clinician).post(homework_url(homework, "complete"), {}, format="json")

    assert_problem(response, 409)
    assert error_fields(response) == ["completed_on"]
    assert stored(homework) == before


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_closed_homework_never_moves_again(status, action, homework, clinician, as_user):
    close(homework, status)
    before = stored(homework)

    response = as_user(clinician).post(
        homework_url(homework, action),
        {"helpfulness": 3, "outcome_note": "Second thoughts."},
        format="json",
    )

    problem = assert_problem(response, 409)
    assert problem["type"] == CONFLICT
    assert stored(homework) == before


def test_double_click_on_complete_records_once(homework, clinician, as_user):
    api = as_user(clinician)

    first = api.post(homework_url(homework, "complete"), {"helpfulness": 9}, format="json")
    second = api.post(homework_url(homework, "complete"), {"helpfulness": 2}, format="json")

    assert first.status_code == 200
    assert_problem(second, 409)
    homework.refresh_from_db()
    assert (homework.status, homework.helpfulness) == ("completed", 9)


# Status and outcome change only through the actions


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "completed"},
        {"status": "cancelled"},
        {"status": "completed", "title": "Done already"},
        {"status": "partially_completed", "due_on": (today() + timedelta(days=3)).isoformat()},
        {"helpfulness": 5},
        {"completed_on": days_ago(1).isoformat()},
        {"outcome_note": "Went well."},
        {"title": "Renamed", "outcome_note": "Went well."},
    ],
    ids=lambda payload: "+".join(payload),
)
def test_patch_of_status_or_outcome_is_a_conflict_and_changes_nothing(
    payload, homework, clinician, as_user
):
    before = stored(homework)

    response = as_user(clinician).patch(homework_url(homework), payload, format="json")

    problem = assert_problem(response, 409)
    assert problem["type"] == CONFLICT
    assert stored(homework) == before


def test_put_that_changes_status_is_a_conflict_and_changes_nothing(
    homework, client_record, clinician, as_user
):
    before = stored(homework)

    response = as_user(clinician).put(
        homework_url(homework),
        {
            "client": str(client_record.pk),
            "strategy": "self_reflection",
            "title": "Thought record, revised",
            "status": "completed",
            "helpfulness": 9,
        },
        format="json",
    )

    assert_problem(response, 409)
    assert stored(homework) == before


def test_patch_repeating_the_current_status_and_outcome_edits_other_fields(
    homework, clinician, as_user
):
    response = as_user(clinician).patch(
        homework_url(homework),
        {
            "status": "assigned",
            "completed_on": None,
            "helpfulness": None,
            "outcome_note": "",
            "title": "Thought record, twice a day",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert (homework.status, homework.title) == ("assigned", "Thought record, twice a day")


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_closed_homework_cannot_be_edited(status, homework, client_record, clinician, as_user):
    close(homework, status)
    before = stored(homework)
    api = as_user(clinician)

    patched = api.patch(homework_url(homework), {"title": "Renamed later"}, format="json")
    repeated = api.patch(
        homework_url(homework), {"status": status, "title": "Renamed later"}, format="json"
    )
    put = api.put(
        homework_url(homework),
        {"client": str(client_record.pk), "strategy": "self_reflection", "title": "Renamed"},
        format="json",
    )

    for response in (patched, repeated, put):
        assert assert_problem(response, 409)["type"] == CONFLICT
    assert stored(homework) == before


@pytest.mark.parametrize("status", ["assigned", *CLOSED_STATUSES])
def test_homework_is_never_deleted(status, homework, clinician, as_user):
    if status != "assigned":
        close(homework, status)
    before = stored(homework)

    response = as_user(clinician).delete(homework_url(homework))

    assert_problem(response, 405)
    assert stored(homework) == before


def test_unknown_homework_action_is_a_404(homework, clinician, as_user):
    response = as_user(clinician).post(homework_url(homework, "reopen"), {}, format="json")

    assert_problem(response, 404)
    assert Homework.objects.get(pk=homework.pk).status == "assigned"
