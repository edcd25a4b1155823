"""Fixtures for the calendar feed tests: the endpoints, a feed created through the API (its
address as the clinician got it), and sessions at chosen times."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from sessions.calendar.throttles import CalendarFeedAddressThrottle, CalendarFeedTokenThrottle
from tests.factories import ClientFactory, SessionFactory

FEED = "/api/v1/calendar-feed/"
ROTATE = "/api/v1/calendar-feed/rotate/"
# A client whose name, and whose session's note and roots, must never reach a feed.
CLIENT_NAMES = {"given_name": "Philippa", "family_name": "Quennell", "preferred_name": "Pippa"}
NOTE_TEXT = ("Talked about work.", "Engaged.", "Weekly.")


def feed_path(url: str) -> str:
    """The path of a feed's address, as a calendar app requests it."""
    parts = urlsplit(url)
    assert parts.path.startswith("/calendar/") and parts.path.endswith(".ics"), url
    return parts.path


def token_of(url: str) -> str:
    return feed_path(url).removeprefix("/calendar/").removesuffix(".ics")


@pytest.fixture
def create_feed(as_user):
    """`create_feed(user, **settings)`: the feed's address, as the API answered it."""

    def create(user, **settings):
        response = as_user(user).post(FEED, settings, format="json")
        assert response.status_code == 201, response.content
        return response.json()["url"]

    return create


@pytest.fixture
def named_client(clinician):
    return ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 4)], **CLIENT_NAMES)


@pytest.fixture
def session_at(named_client):
    """`session_at(hours_from_now, **fields)`: a session of `named_client` by its clinician,
    starting on a whole minute, as sessions are booked."""

    def create(hours_from_now: float, **fields):
        fields.setdefault("client", named_client)
        starts_at = timezone.now() + timedelta(hours=hours_from_now)
        starts_at = starts_at.replace(second=0, microsecond=0)
        return SessionFactory(starts_at=starts_at, roots_addressed=["perfectionism"], **fields)

    return create


@pytest.fixture
def feed_rates(monkeypatch):
    """`feed_rates(address=..., per_feed=...)`: the feeds' rate limits for this test."""

    def override(*, address="1000/hour", per_feed="1000/hour"):
        rates = {"calendar_feed_address": address, "calendar_feed_token": per_feed}
        for throttle in (CalendarFeedAddressThrottle, CalendarFeedTokenThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)

    return override
