"""Fixtures for the session tests: people around a session, signed notes, stored-state snapshots,
a note in every format and a valid body to record a session."""

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


# A note in each format, with text that must come back exactly as written.
NOTES = {
    "dap": {
        "format": "dap",
        "data": "Client described a missed deadline.\nReported shame, 7/10.",
        "assessment": "Perfectionistic standards; all-or-nothing thinking.",
        "plan": "Thought record before next session.",
    },
    "soap": {
        "format": "soap",
        "subjective": "\u201cI never get anything right.\u201d",
        "objective": "Flat affect; good eye contact.",
        "assessment": "",
        "plan": "Review in two weeks.",
    },
    "birp": {
        "format": "birp",
        "behavior": "Arrived late, apologised twice.",
        "intervention": "Socratic questioning on comparisons with peers.",
        "response": "Named two alternative explanations.",
        "plan": "Limit social media to 30 min/day.",
    },
    "narrative": {
        "format": "narrative",
        "text": "  Leading spaces, trailing spaces and a tab\tstay exactly as written.  \n",
    },
}


def session_body(client, **fields) -> dict:
    return {
        "client": str(client.pk),
        "starts_at": "2025-06-02T09:00:00Z",
        "duration_minutes": 50,
        "modality": "in_person",
        "kind": "individual",
        **fields,
    }
