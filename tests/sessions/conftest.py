"""Fixtures for the session tests: people around a session, signed notes, stored-state snapshots."""

import pytest
from django.utils import timezone

from sessions.models import Session

PROBLEM = "application/problem+json"
SESSIONS = "/api/v1/sessions/"


@pytest.fixture
def signed_session(session_record):
    """`session_record`, signed by its clinician."""
    Session.objects.filter(pk=session_record.pk).update(
        signed_at=timezone.now(), signed_by=session_record.clinician
    )
    session_record.refresh_from_db()
    return session_record


def stored_session(session: Session) -> dict:
    """Everything stored about a session, its roots and addenda, read afresh."""
    fresh = Session.objects.get(pk=session.pk)
    return {
        **{field.attname: getattr(fresh, field.attname) for field in Session._meta.concrete_fields},
        "roots": list(fresh.roots.values_list("root", flat=True)),
        "addenda": list(fresh.addenda.values_list("id", "author_id", "text")),
    }


@pytest.fixture
def session_snapshot():
    """`session_snapshot(session)`: the stored session, for before/after comparison."""
    return stored_session


def error_fields(response) -> list[str]:
    """The dotted field paths named in a problem document's `errors`."""
    assert response["Content-Type"] == PROBLEM, response.content
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def fields_of():
    """`fields_of(response)`: the fields a 4xx problem document names."""
    return error_fields


@pytest.fixture
def session_url():
    """`session_url(session, action="")`: the session's URL, or one of its actions'."""

    def build(session, action: str = "") -> str:
        return f"{SESSIONS}{session.pk}/" + (f"{action}/" if action else "")

    return build
