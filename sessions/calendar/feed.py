"""The iCalendar document of a feed: one event per session the feed's user holds as clinician,
from WINDOW_BEFORE ago to WINDOW_AFTER ahead, in one query.

An event carries what a calendar needs and nothing clinical: when (UTC), how long, the modality,
a stable UID, and a title that is the feed's label or the client's initials. Times are UTC
instants, as stored: every calendar app shows them in its viewer's zone, and since each session
is its own event (no recurrence rule to expand across a DST change) a VTIMEZONE would add
nothing but tz rules to keep current."""

import uuid
from datetime import timedelta

from django.db.models import QuerySet
from icalendar import Calendar, Event, vDuration

from api.auth.calendar.models import CalendarFeed, EventTitle
from sessions.models import Modality, Session, SessionStatus

WINDOW_BEFORE = timedelta(days=90)
WINDOW_AFTER = timedelta(days=365)
# How often a calendar app should read the feed again (RFC 7986, and Outlook's and Apple's own
# property): often enough for a booking to show the same morning.
REFRESH_INTERVAL = timedelta(hours=1)
CALENDAR_NAME = "Rootwise appointments"
PRODUCT_ID = "-//Rootwise//Calendar feed//EN"
# An event's UID is derived from its session's id, not the id itself: stable for the session's
# life, and no record id usable against the API leaves with the feed.
UID_NAMESPACE = uuid.UUID("0b7c6a52-3f1e-4d8a-9c57-2e9d3f5a8b61")
UID_DOMAIN = "calendar.rootwise"
SESSION_FIELDS = ("id", "starts_at", "duration_minutes", "modality", "status")
CLIENT_NAME_FIELDS = ("client__given_name", "client__preferred_name", "client__family_name")


def appointments(feed: CalendarFeed, now) -> QuerySet:
    """The sessions the feed shows, oldest first: held by its user as clinician (not those of
    their care teams' clients), within the window. The clients' names are read only when the
    feed titles its events with initials."""
    sessions = Session.objects.filter(
        clinician_id=feed.user_id,
        starts_at__gte=now - WINDOW_BEFORE,
        starts_at__lt=now + WINDOW_AFTER,
    ).order_by("starts_at", "id")
    if feed.event_title == EventTitle.INITIALS:
        return sessions.select_related("client").only(*SESSION_FIELDS, *CLIENT_NAME_FIELDS)
    return sessions.only(*SESSION_FIELDS)


def calendar_document(feed: CalendarFeed, sessions, now) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", CALENDAR_NAME)
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for session in sessions:
        calendar.add_component(_event(feed, session, now))
    return calendar.to_ical()


def event_uid(session: Session) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, str(session.pk))}@{UID_DOMAIN}"


def initials(client) -> str:
    first = (client.preferred_name or client.given_name).strip()[:1]
    last = client.family_name.strip()[:1]
    return f"{first}{last}".upper()


def _event(feed: CalendarFeed, session: Session, now) -> Event:
    event = Event()
    event.add("uid", event_uid(session))
    # When this copy was made: a session's own `updated_at` moves with its note's edits, which
    # the feed does not tell.
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.starts_at + timedelta(minutes=session.duration_minutes))
    event.add("summary", f"{_title(feed, session)} ({Modality(session.modality).label})")
    event.add("class", "PRIVATE")
    cancelled = session.status == SessionStatus.CANCELLED
    # A cancelled session stays, marked so, and frees its time; a completed one or a no-show
    # stays as the time it was (the clinician's record of their day).
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _title(feed: CalendarFeed, session: Session) -> str:
    if feed.event_title == EventTitle.INITIALS:
        return initials(session.client)
    return feed.label
