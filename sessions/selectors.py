"""Reads of sessions, with everything a list needs in one query."""

from django.db.models import QuerySet

from api import inline_prefetch
from api.auth.models import User
from api.inline_prefetch import InlinePrefetch
from clients.access import clinical_access
from sessions.models import Session

# The columns the session's rendering shows, and those its rows are ordered by.
ROOTS = InlinePrefetch(Session, "roots", fields=("id", "root"))
ADDENDA = InlinePrefetch(Session, "addenda", fields=("id", "text", "author_id", "created_at"))


def clinical_sessions(user: User) -> QuerySet[Session]:
    """Sessions whose client's clinical content `user` may read."""
    return Session.objects.filter(clinical_access(user))


def sessions_for_reading(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return inline_prefetch.annotate(queryset, ROOTS, ADDENDA)
