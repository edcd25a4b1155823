"""Reads of sessions, with everything a list needs in one query."""

from django.db.models import QuerySet

from api import inline_prefetch
from api.auth.models import User
from api.inline_prefetch import InlinePrefetch
from clients.access import clinical_access
from sessions.models import Session

ROOTS = InlinePrefetch(Session, "roots")
ADDENDA = InlinePrefetch(Session, "addenda")


def clinical_sessions(user: User) -> QuerySet[Session]:
    """Sessions whose client's clinical content `user` may read."""
    return Session.objects.filter(clinical_access(user))


def sessions_for_reading(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return inline_prefetch.annotate(queryset, ROOTS, ADDENDA)
