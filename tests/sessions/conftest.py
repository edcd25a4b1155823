"""Fixtures for the session tests: people around a session, signed notes, stored-state snapshots."""

import pytest

from sessions.models import Session

SESSIONS = "/api/v1/sessions/"


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


@pytest.fixture
def session_url():
    """`session_url(session, action="")`: the session's URL, or one of its actions'."""

    def build(session, action: str = "") -> str:
        return f"{SESSIONS}{session.pk}/" + (f"{action}/" if action else "")

    return build
