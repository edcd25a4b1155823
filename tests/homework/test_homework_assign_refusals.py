"""Refused homework assignments: each invalid field is a 400 naming it (a conflict a 409), with
nothing stored."""

import pytest

from sessions.homework.models import Homework
from tests.factories import SessionFactory
from tests.helpers import error_fields
from tests.homework.conftest import (
    HOMEWORK,
    assert_refusal,
    builtin,
    days_ago,
    new_homework_body,
)

pytestmark = pytest.mark.django_db


REFUSALS = {
    "unknown strategy": (lambda ctx: {"strategy": "positive_thinking"}, "strategy"),
    "no strategy": (lambda ctx: {"strategy": None}, "strategy"),
    "template of another strategy": (
        lambda ctx: {
            "strategy": "realistic_goals",
            "template": str(builtin("comparison-diary").pk),
        },
        "template",
    ),
    "unknown template": (
        lambda ctx: {"template": "00000000-0000-0000-0000-000000000000"},
        "template",
    ),
    "session of another client": (
        lambda ctx: {"session": str(SessionFactory(client=ctx["other_client"]).pk)},
        "session",
    ),
    "due before assigned": (
        lambda ctx: {
            "assigned_on": days_ago(3).isoformat(),
            "due_on": days_ago(4).isoformat(),
        },
        "due_on",
    ),
    "due before today, assigned today by default": (
        lambda ctx: {"due_on": days_ago(1).isoformat()},
        "due_on",
    ),
    "no title and no template": (lambda ctx: {"title": None}, "title"),
    "blank title": (lambda ctx: {"title": ""}, "title"),
    "duplicate target root": (
        lambda ctx: {"target_roots": ["perfectionism", "past_failures", "perfectionism"]},
        "target_roots.2",
    ),
    "unknown target root": (lambda ctx: {"target_roots": ["imposter"]}, "target_roots.0"),
    "bad due date": (lambda ctx: {"due_on": "next tuesday"}, "due_on"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_invalid_homework_is_refused_naming_the_field_and_nothing_is_stored(
    case, client_record, other_client, clinician, as_user
):
    make_overrides, field = REFUSALS[case]
    body = {
        key: value
        for key, value in new_homework_body(
            client_record, **make_overrides({"other_client": other_client})
        ).items()
        if value is not None
    }
    count = Homework.objects.count()

    response = as_user(clinician).post(HOMEWORK, body, format="json")

    assert_refusal(response, case)
    assert error_fields(response) == [field]
    assert Homework.objects.count() == count
