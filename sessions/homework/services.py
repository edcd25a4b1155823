"""Writes for homework and homework templates. Each enforces the rules in its docstring."""

from collections.abc import Mapping

from django.db import transaction
from rest_framework.exceptions import PermissionDenied, ValidationError

from api.auth.models import User
from api.events.models import Topic
from api.events.outbox import emit
from api.exceptions import CONFLICT, FUTURE, Conflict
from api.timezones import practice_today
from clients.access import require_write
from clients.models import Client
from sessions.homework.models import Homework, HomeworkStatus, HomeworkTemplate

DONE = (HomeworkStatus.COMPLETED, HomeworkStatus.PARTIALLY_COMPLETED)
LIFECYCLE_FIELDS = ("status", "completed_on", "helpfulness", "outcome_note")


@transaction.atomic
def homework_assign(
    *, by: User, client: Client, template: HomeworkTemplate | None = None, **fields
) -> Homework:
    """Assign homework from the strategy set. A template fills the title, instructions and
    target roots not given; it is assigned today (the practice's) unless a date is given.
    (Strategy, session and date rules are checked by the serializer.)"""
    require_write(by, client)
    if template is not None:
        fields.setdefault("title", template.title)
        fields.setdefault("instructions", template.instructions)
        fields.setdefault("target_roots", list(template.target_roots))
    fields.setdefault("assigned_on", practice_today(client.practice))
    return Homework.objects.create(
        client=client,
        practice_id=client.practice_id,
        template=template,
        assigned_by=by,
        **fields,
    )


def _locked_open(homework: Homework, by: User) -> Homework:
    homework = Homework.objects.select_for_update().get(pk=homework.pk)
    require_write(by, homework.client)
    if homework.status != HomeworkStatus.ASSIGNED:
        raise Conflict(f"This homework is already {homework.get_status_display().lower()}.")
    return homework


def _lifecycle_as_rendered(homework: Homework) -> dict:
    completed_on = homework.completed_on
    return {
        "status": homework.status,
        "completed_on": completed_on.isoformat() if completed_on is not None else None,
        "helpfulness": homework.helpfulness,
        "outcome_note": homework.outcome_note,
    }


@transaction.atomic
def homework_update(*, homework: Homework, by: User, body: Mapping, **fields) -> Homework:
    """Change an assignment's details while it is still assigned (409 after). Its status and
    outcome change only through the lifecycle actions: a `body` (the request as sent) that
    gives any of them otherwise than the homework reads is a conflict (409); as it reads, it is
    ignored."""
    require_write(by, homework.client)
    stored = _lifecycle_as_rendered(homework)
    if any(field in body and body[field] != stored[field] for field in LIFECYCLE_FIELDS):
        raise Conflict(
            "Status and outcome change only through the lifecycle actions "
            "(complete, partially-complete, not-completed, cancel)."
        )
    homework = _locked_open(homework, by)
    fields.pop("client", None)
    for field, value in fields.items():
        setattr(homework, field, value)
    homework.save()
    return homework


@transaction.atomic
def homework_close(
    *,
    homework: Homework,
    by: User,
    status: str,
    completed_on=None,
    helpfulness: int | None = None,
    outcome_note: str = "",
) -> Homework:
    """Record how homework went. Status moves once, from `assigned` to completed, partially
    completed, not completed or cancelled; any other move is a conflict (409). Completion dates
    (today unless given) are not before assignment nor after today, the practice's today."""
    homework = _locked_open(homework, by)
    if status in DONE:
        today = practice_today(homework.client.practice)
        completed_on = completed_on or today
        if completed_on < homework.assigned_on:
            raise ValidationError(
                {"completed_on": ["It cannot be before it was assigned."]}, CONFLICT
            )
        if completed_on > today:
            raise ValidationError({"completed_on": ["It cannot be in the future."]}, FUTURE)
        homework.completed_on = completed_on
        homework.helpfulness = helpfulness
    homework.status = status
    homework.outcome_note = outcome_note
    homework.save()
    if status in DONE:
        emit(Topic.HOMEWORK_COMPLETED, homework)
    return homework


def template_create(*, by: User, **fields) -> HomeworkTemplate:
    """A practice's own template, visible to its members only."""
    return HomeworkTemplate.objects.create(practice=by.practice, author=by, **fields)


def refuse_unless_editor(template: HomeworkTemplate, by: User) -> None:
    if template.is_builtin:
        raise PermissionDenied("Built-in templates are read-only; create your own instead.")
    if template.author_id != by.pk and not by.is_admin:
        raise PermissionDenied("Only the template's author or an admin may change it.")


@transaction.atomic
def template_update(*, template: HomeworkTemplate, by: User, **fields) -> HomeworkTemplate:
    """Change a practice template: its author or an admin; built-ins never (403)."""
    refuse_unless_editor(template, by)
    for field, value in fields.items():
        setattr(template, field, value)
    template.save()
    return template


@transaction.atomic
def template_delete(*, template: HomeworkTemplate, by: User) -> None:
    """Delete a practice template nobody has been assigned (409 once used)."""
    refuse_unless_editor(template, by)
    if template.homework.exists():
        raise Conflict("Homework was assigned from this template; it cannot be deleted.")
    template.delete()
