"""Assigning homework: what the clinician or a care-team member sends is stored as given, and a
built-in or practice template fills in what is not given."""

from datetime import timedelta

import pytest

from sessions.homework.models import Homework
from tests.factories import HomeworkTemplateFactory
from tests.homework.conftest import (
    HOMEWORK,
    assign,
    builtin,
    days_ago,
    new_homework_body,
    today,
)

pytestmark = pytest.mark.django_db


def test_clinician_assigns_homework(client_record, clinician, as_user):
    response = as_user(clinician).post(
        HOMEWORK,
        new_homework_body(client_record, target_roots=["perfectionism"]),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body,
        "client": str(client_record.pk),
        "session": None,
        "strategy": "self_reflection",
        "template": None,
        "title": "Evening thought record",
        "instructions": "Write down one thought a day.",
        "target_roots": ["perfectionism"],
        "assigned_on": today().isoformat(),
        "due_on": None,
        "status": "assigned",
        "completed_on": None,
        "helpfulness": None,
        "outcome_note": "",
        "assigned_by": str(clinician.pk),
    }
    homework = Homework.objects.get(pk=body["id"])
    assert (homework.client_id, homework.assigned_by_id, homework.status) == (
        client_record.pk,
        clinician.pk,
        "assigned",
    )
    assert homework.assigned_on == today()


def test_care_team_member_assigns_homework_in_a_session(
    client_record, session_record, care_team_member, as_user
):
    due = today() + timedelta(days=7)
    response = as_user(care_team_member).post(
        HOMEWORK,
        new_homework_body(
            client_record,
            session=str(session_record.pk),
            strategy="realistic_goals",
            assigned_on=days_ago(2).isoformat(),
            due_on=due.isoformat(),
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.session_id == session_record.pk
    assert homework.assigned_by_id == care_team_member.pk
    assert (homework.assigned_on, homework.due_on) == (days_ago(2), due)


def test_due_date_may_be_the_assignment_date(client_record, clinician, as_user):
    response = as_user(clinician).post(
        HOMEWORK, new_homework_body(client_record, due_on=today().isoformat()), format="json"
    )

    assert response.status_code == 201, response.content
    assert Homework.objects.get(pk=response.json()["id"]).due_on == today()


def test_template_fills_title_instructions_and_roots(client_record, clinician, as_user):
    template = builtin("thought-record-perfectionism")

    response = assign(
        as_user(clinician), client_record, strategy="self_reflection", template=str(template.pk)
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.template_id == template.pk
    assert homework.title == template.title == "Thought record for perfectionist moments"
    assert homework.instructions == template.instructions
    assert homework.target_roots == template.target_roots == ["perfectionism"]


def test_given_fields_win_over_the_template(client_record, clinician, as_user):
    template = builtin("coping-card")  # targets past_failures and perfectionism

    response = assign(
        as_user(clinician),
        client_record,
        strategy="professional_help",
        template=str(template.pk),
        title="Coping card for exams",
        target_roots=[],
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.title == "Coping card for exams"
    assert homework.instructions == template.instructions
    assert homework.target_roots == []


def test_practice_template_can_be_assigned(client_record, clinician, colleague, as_user):
    template = HomeworkTemplateFactory(author=colleague, strategy="realistic_goals")

    response = assign(
        as_user(clinician), client_record, strategy="realistic_goals", template=str(template.pk)
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert (homework.template_id, homework.title) == (template.pk, template.title)
