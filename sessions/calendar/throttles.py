"""Calendar feeds' rate limits, per address and per feed (api/throttles/secret_links.py).
Calendar providers read feeds from shared servers: the per-address rate is generous."""

from api.throttles.secret_links import PerAddressThrottle, PerTokenThrottle, wait


class CalendarFeedAddressThrottle(PerAddressThrottle):
    scope = "calendar_feed_address"


class CalendarFeedTokenThrottle(PerTokenThrottle):
    scope = "calendar_feed_token"


FEED_THROTTLES = (CalendarFeedAddressThrottle, CalendarFeedTokenThrottle)


def feed_wait(request, view) -> float | None:
    return wait(FEED_THROTTLES, request, view)
