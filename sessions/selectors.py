"""Reads of sessions, with everything a list needs in one query."""

from django.db.models import QuerySet

from api import inline_prefetch
from api.inline_prefetch import InlinePrefetch
from sessions.models import Session

ROOTS = InlinePrefetch(Session, "roots")
ADDENDA = InlinePrefetch(Session, "addenda")


def sessions_for_reading(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return inline_prefetch.annotate(queryset, ROOTS, ADDENDA)
