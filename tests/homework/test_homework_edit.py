"""Editing assigned homework: PATCH and PUT while assigned, refused edits that change nothing, and
homework that stays editable after its template changes."""

from datetime import timedelta

import pytest

from sessions.homework.models import Homework
from tests.factories import HomeworkFactory, HomeworkTemplateFactory, SessionFactory
from tests.helpers import error_fields
from tests.homework.conftest import (
    HOMEWORK,
    TEMPLATES,
    assert_refusal,
    builtin,
    days_ago,
    homework_url,
    new_homework_body,
    stored,
    today,
)

pytestmark = pytest.mark.django_db


def test_assigned_homework_is_edited_with_patch(homework, clinician, as_user):
    due = today() + timedelta(days=10)

    response = as_user(clinician).patch(
        homework_url(homework),
        {"title": "Thought record, mornings", "due_on": due.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Thought record, mornings"
    homework.refresh_from_db()
    assert (homework.title, homework.due_on, homework.status) == (
        "Thought record, mornings",
        due,
        "assigned",
    )


def test_assigned_homework_is_replaced_with_put(homework, client_record, care_team_member, as_user):
    response = as_user(care_team_member).put(
        homework_url(homework),
        new_homework_body(client_record, strategy="supportive_relationships", title="Call Sam"),
        format="json",
    )

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert (homework.strategy, homework.title, homework.status) == (
        "supportive_relationships",
        "Call Sam",
        "assigned",
    )


EDIT_REFUSALS = {
    "another client": (lambda ctx: {"client": str(ctx["other_client"].pk)}, "client"),
    "session of another client": (
        lambda ctx: {"session": str(SessionFactory(client=ctx["other_client"]).pk)},
        "session",
    ),
    "template of another strategy": (
        lambda ctx: {"template": str(builtin("good-enough-goal").pk)},
        "template",
    ),
    "strategy away from its template": (
        lambda ctx: {"strategy": "realistic_goals"},
        "template",
    ),
    "due before assigned": (lambda ctx: {"due_on": days_ago(8).isoformat()}, "due_on"),
    "assigned after due": (
        lambda ctx: {"assigned_on": (today() + timedelta(days=8)).isoformat()},
        "due_on",
    ),
    "unknown strategy": (lambda ctx: {"strategy": "journalling"}, "strategy"),
    "blank title": (lambda ctx: {"title": ""}, "title"),
    "duplicate target root": (
        lambda ctx: {"target_roots": ["past_failures", "past_failures"]},
        "target_roots.1",
    ),
}


@pytest.mark.parametrize("case", EDIT_REFUSALS)
def test_invalid_edit_is_refused_naming_the_field_and_nothing_changes(
    case, client_record, other_client, clinician, as_user
):
    homework = HomeworkFactory(
        client=client_record,
        template=builtin("comparison-diary"),
        due_on=today() + timedelta(days=7),
    )
    make_overrides, field = EDIT_REFUSALS[case]
    before = stored(homework)

    response = as_user(clinician).patch(
        homework_url(homework), make_overrides({"other_client": other_client}), format="json"
    )

    assert_refusal(response, case)
    assert error_fields(response) == [field]
    assert stored(homework) == before


def test_homework_stays_editable_after_its_template_changes_strategy(
    client_record, clinician, as_user
):
    template = HomeworkTemplateFactory(author=clinician, strategy="realistic_goals")
    api = as_user(clinician)
    created = api.post(
        HOMEWORK,
        {
            "client": str(client_record.pk),
            "strategy": "realistic_goals",
            "template": str(template.pk),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    moved = api.patch(f"{TEMPLATES}{template.pk}/", {"strategy": "self_reflection"}, format="json")
    assert moved.status_code == 200, moved.content

    retitled = api.patch(f"{HOMEWORK}{created.json()['id']}/", {"title": "Renamed"}, format="json")

    assert retitled.status_code == 200, retitled.content
    assert Homework.objects.get(pk=created.json()["id"]).title == "Renamed"
    repaired = api.patch(
        f"{HOMEWORK}{created.json()['id']}/", {"strategy": "realistic_goals"}, format="json"
    )
    assert repaired.status_code == 409  # the template's strategy is what is stored now
    assert repaired.json()["errors"][0]["field"] == "template"
