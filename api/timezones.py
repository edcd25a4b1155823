"""The practice's calendar.

A moment (a session's start, "now") is the same everywhere; the date it falls on is not. Every
date Rootwise derives from a moment is the date on the practice's wall calendar, in its IANA
time zone (`Practice.time_zone`), whatever the server's own TIME_ZONE (UTC): a session at
23:30 in New York is on that day, not on the next one, as it is in UTC. Conversions happen in
Python after fetching, the same on PostgreSQL and SQLite (which has no time zones).
"""

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils import timezone

TIME_ZONE_HELP = (
    "The practice's IANA time zone name, e.g. `Europe/London` or `America/New_York` (the "
    "tz database's names; an unknown one is refused). Every date Rootwise derives from a moment "
    "(today, the date a session took place) is the date on this zone's calendar."
)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA names this server knows, but not `localtime`, which names no place: only
    whatever zone the server itself happens to be set to."""
    return frozenset(available_timezones() - {"localtime"})


def is_time_zone(name: object) -> bool:
    return isinstance(name, str) and name in time_zone_names()


def default_time_zone() -> str:
    """A new practice's time zone, unless it is given one: `settings.PRACTICE_TIME_ZONE`."""
    return settings.PRACTICE_TIME_ZONE


def local_date(moment: datetime | None, practice) -> date | None:
    """The date on `practice`'s calendar at `moment` (an aware datetime); None for None."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(practice.time_zone)).date()


def practice_today(practice, now: datetime | None = None) -> date:
    """Today on `practice`'s calendar (at `now`, if given)."""
    return local_date(now or timezone.now(), practice)
