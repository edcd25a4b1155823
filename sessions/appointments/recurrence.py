"""When a series' appointments fall: the same wall-clock time on the practice's calendar, every
N weeks, whatever daylight saving does to the offset (a weekly 10:00 stays at 10:00 local)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# A series is a plan, not a forever: at most two years of weekly appointments.
MOST_OCCURRENCES = 104


def occurrences(
    first: datetime,
    time_zone: str,
    interval_weeks: int,
    *,
    ends_on: date | None,
    count: int | None,
    most: int = MOST_OCCURRENCES,
) -> list[datetime]:
    """The starts of a series' appointments (UTC), from `first`, every `interval_weeks` weeks,
    until `ends_on` (a local date, included) or `count` of them, and never more than `most`."""
    zone = ZoneInfo(time_zone)
    wall = first.astimezone(zone).replace(tzinfo=None)
    limit = min(count or most, most)
    starts = []
    for index in range(limit):
        local = wall + timedelta(weeks=interval_weeks * index)
        if ends_on is not None and local.date() > ends_on:
            break
        starts.append(local.replace(tzinfo=zone).astimezone(UTC))
    return starts


def shifted(moment: datetime, by: timedelta, time_zone: str) -> datetime:
    """`moment` moved by `by` on the wall clock of `time_zone`: an appointment moved from
    Tuesday 10:00 to Wednesday 11:00 moves every following one a day and an hour on the
    calendar, whatever the offset of each."""
    zone = ZoneInfo(time_zone)
    wall = moment.astimezone(zone).replace(tzinfo=None) + by
    return wall.replace(tzinfo=zone).astimezone(UTC)


def wall_clock_difference(before: datetime, after: datetime, time_zone: str) -> timedelta:
    zone = ZoneInfo(time_zone)
    return after.astimezone(zone).replace(tzinfo=None) - before.astimezone(zone).replace(
        tzinfo=None
    )
