"""Reads of sessions, with everything a list needs in a fixed number of queries."""

from django.db.models import QuerySet

from sessions.models import Session


def sessions_for_reading(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.prefetch_related("roots", "addenda")
