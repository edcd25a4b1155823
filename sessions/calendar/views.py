"""`GET /calendar/<token>.ics`: a clinician's appointments, for their calendar app. No sign-in:
a calendar app sends no credentials, so the token in the address is the only one. It is looked
up across practices; the sessions are then read in the feed's practice's scope.

An unknown token, a revoked or rotated feed's, and a deactivated account's all get one answer,
the same 404. Every read is audited, as its feed's user (the token never in the path: see
api/redaction.py), one event per client whose initials it served, or one without a client.
The limits per address and per feed answer 429 with Retry-After before any lookup."""

import math
from types import SimpleNamespace

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status

from api.audit.models import AuditAction
from api.audit.services import audit_records
from api.auth.calendar import services
from api.auth.calendar.models import CalendarFeed, EventTitle
from api.exceptions import problem_response
from api.tenancy import practice_scope
from sessions.calendar.feed import appointments, calendar_document
from sessions.calendar.throttles import feed_wait

CONTENT_TYPE = "text/calendar; charset=utf-8"
METHODS = ("GET", "HEAD")
# The feed holds a person's working days: neither a shared cache nor the calendar app's HTTP
# cache should keep a copy (calendar apps poll on their own schedule, REFRESH-INTERVAL, and do
# not need one); and the address, which holds the token, is no one else's business.
FEED_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}
NO_FEED = "No such calendar feed."


@csrf_exempt
def calendar_feed(request, token: str):
    if request.method not in METHODS:
        return _headed(
            problem_response(405, "method_not_allowed", "Only GET reads a calendar feed."),
            Allow=", ".join(METHODS),
        )
    wait = feed_wait(request, SimpleNamespace(kwargs={"token": token}))
    if wait is not None:
        refused = problem_response(429, "throttled", "Too many requests; try again later.")
        return _headed(refused, **{"Retry-After": str(math.ceil(wait))})
    feed = services.feed_for_token(token)
    if feed is None or not services.is_open(feed):
        return _not_found(request, feed)
    with practice_scope(feed.practice_id):
        now = timezone.now()
        sessions = list(appointments(feed, now))
        document = calendar_document(feed, sessions, now)
        services.fetched(feed=feed, at=now)
        served = [s.client_id for s in sessions] if feed.event_title == EventTitle.INITIALS else []
        _audit(request, feed, status.HTTP_200_OK, client_ids=served)
    return _headed(HttpResponse(document, content_type=CONTENT_TYPE))


def _not_found(request, feed: CalendarFeed | None):
    """The one answer for an address that opens nothing; audited in the feed's practice when
    there is a feed (its account deactivated), with no practice when there is none."""
    with practice_scope(feed.practice_id if feed else None):
        _audit(request, feed, status.HTTP_404_NOT_FOUND)
    return _headed(problem_response(404, "not_found", NO_FEED))


def _audit(request, feed: CalendarFeed | None, status_code: int, client_ids=()) -> None:
    audit_records(
        request=request,
        action=AuditAction.READ,
        status_code=status_code,
        actor=feed.user if feed else None,
        object_type="calendar_feed",
        object_id=feed.pk if feed else None,
        client_ids=list(client_ids) or [None],
    )


def _headed(response, **headers):
    for header, value in {**FEED_HEADERS, **headers}.items():
        response[header] = value
    return response
