"""Values as the API writes them, for the serializers whose rendering is written out (clients,
sessions): what DRF's fields give, without building a field to give it."""

from datetime import UTC, date, datetime


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with "Z", as DRF's DateTimeField writes a moment (TIME_ZONE is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # as DRF takes one: in the current time zone, UTC
    return moment.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


def timestamp_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else timestamp(moment)


def date_or_none(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def id_or_none(value) -> str | None:
    return None if value is None else str(value)
