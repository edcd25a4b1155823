"""Fixtures for the homework tests: people around a client, homework and templates, and
stored-state snapshots for before/after comparison."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.homework.library import BUILTIN_TEMPLATES, builtin_template_id
from sessions.models import Homework, HomeworkStatus, HomeworkTemplate
from tests.factories import HomeworkFactory, HomeworkTemplateFactory

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
