"""When a schedule sends. Invitations go out at 09:00 on the practice's calendar (a message at
3 a.m. helps nobody), on the schedule's dates: once on `starts_on`, or every N days or weeks
from it. A date missed while a schedule was paused, or while nothing ticked, is skipped, not
made up: one invitation, then the next date after today."""

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from assessments.measures.models import IntervalUnit, MeasureSchedule, ScheduleKind, ScheduleStatus

SEND_TIME = time(9, 0)


def send_moment(day: date, practice) -> datetime:
    """09:00 on `day` in the practice's time zone."""
    return datetime.combine(day, SEND_TIME, tzinfo=ZoneInfo(practice.time_zone))


def step(schedule: MeasureSchedule) -> timedelta:
    return timedelta(
        days=schedule.interval * (7 if schedule.interval_unit == IntervalUnit.WEEKS else 1)
    )


def next_due_at(schedule: MeasureSchedule, practice, *, earliest: date) -> datetime | None:
    """The moment `schedule` next sends, on `earliest` or after (its first date, if later);
    None when it sends around sessions instead, is not active, or has sent all it will."""
    if schedule.status != ScheduleStatus.ACTIVE or schedule.kind == ScheduleKind.BEFORE_SESSION:
        return None
    if schedule.max_sends is not None and schedule.sends >= schedule.max_sends:
        return None
    if schedule.kind == ScheduleKind.ONCE:
        return None if schedule.sends else send_moment(schedule.starts_on, practice)
    day = schedule.starts_on
    if day < earliest:
        every = step(schedule)
        day += every * math.ceil((earliest - day) / every)
    if schedule.ends_on is not None and day > schedule.ends_on:
        return None
    return send_moment(day, practice)
