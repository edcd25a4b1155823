"""Fixtures for the homework tests: people around a client, homework and templates, and
stored-state snapshots for before/after comparison; a valid body to assign homework, and the
check of how an assignment or edit is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.homework.library import BUILTIN_TEMPLATES, builtin_template_id
from sessions.homework.models import Homework, HomeworkStatus, HomeworkTemplate
from tests.factories import ClientFactory, HomeworkFactory, HomeworkTemplateFactory
from tests.helpers import assert_problem

HOMEWORK = "/api/v1/homework/"
TEMPLATES = "/api/v1/homework-templates/"

CLOSED_STATUSES = [
    HomeworkStatus.COMPLETED,
    HomeworkStatus.PARTIALLY_COMPLETED,
    HomeworkStatus.NOT_COMPLETED,
    HomeworkStatus.CANCELLED,
]
# Each lifecycle action and the status it moves `assigned` homework to.
ACTIONS = {
    "complete": HomeworkStatus.COMPLETED,
    "partially-complete": HomeworkStatus.PARTIALLY_COMPLETED,
    "not-completed": HomeworkStatus.NOT_COMPLETED,
    "cancel": HomeworkStatus.CANCELLED,
}
BUILTIN_KEYS = [key for key, *_ in BUILTIN_TEMPLATES]


def today():
    return timezone.localdate()


def days_ago(days: int):
    return today() - timedelta(days=days)


def builtin(key: str) -> HomeworkTemplate:
    """The built-in template with that library key, as stored."""
    return HomeworkTemplate.objects.get(pk=builtin_template_id(key))


def stored(record) -> dict:
    """Every stored column of a homework or template, read afresh."""
    model = type(record)
    fresh = model.objects.get(pk=record.pk)
    return {field.attname: getattr(fresh, field.attname) for field in model._meta.concrete_fields}


def close(homework: Homework, status: str, **fields) -> Homework:
    """Put homework straight into a closed status in the database."""
    if status in (HomeworkStatus.COMPLETED, HomeworkStatus.PARTIALLY_COMPLETED):
        fields.setdefault("completed_on", days_ago(1))
        fields.setdefault("helpfulness", 6)
    fields.setdefault("outcome_note", "Reviewed in session.")
    Homework.objects.filter(pk=homework.pk).update(status=status, **fields)
    homework.refresh_from_db()
    return homework


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def homework_url(homework, action: str = "") -> str:
    return f"{HOMEWORK}{homework.pk}/" + (f"{action}/" if action else "")


def template_url(template) -> str:
    return f"{TEMPLATES}{template.pk}/"


@pytest.fixture
def homework(client_record):
    """Assigned homework of `client_record`, a week old, due in a week."""
    return HomeworkFactory(
        client=client_record, title="Thought record", due_on=today() + timedelta(days=7)
    )


@pytest.fixture
def practice_template(clinician):
    """A template of `practice`, written by `clinician`."""
    return HomeworkTemplateFactory(author=clinician, title="Our own good-enough goal")


# --- Assigning and editing -----------------------------------------------------------------------


def new_homework_body(client, **overrides) -> dict:
    return {
        "client": str(client.pk),
        "strategy": "self_reflection",
        "title": "Evening thought record",
        "instructions": "Write down one thought a day.",
        **overrides,
    }


def assign(api, client, **fields):
    """POST homework for `client` with `fields` as given (a template fills in the rest)."""
    return api.post(HOMEWORK, {"client": str(client.pk), **fields}, format="json")


@pytest.fixture
def other_client(clinician):
    """Another client of the same clinician."""
    return ClientFactory(primary_clinician=clinician)


# Refused for what is stored (whose session it is, a template's strategy, whose homework it
# is): a conflict, 409. The rest are malformed requests, 400.
CONFLICTS = {
    "template of another strategy",
    "session of another client",
    "another client",
    "strategy away from its template",
}


def assert_refusal(response, case: str) -> dict:
    if case in CONFLICTS:
        problem = assert_problem(response, 409)
        assert problem["type"] == "urn:rootwise:problem:conflict"
    else:
        problem = assert_problem(response, 400)
        assert problem["type"] == "urn:rootwise:problem:validation-error"
    return problem
