"""A feed's address is open to whoever has it: each is rate-limited per address (someone trying
tokens) and per feed (someone, or a misconfigured app, hammering one). Calendar providers read
feeds from shared servers, so the per-address limit is generous.

The rates are the settings' `calendar_feed_address` and `calendar_feed_token`, if set, else
these defaults."""

from rest_framework.throttling import SimpleRateThrottle

from api.secret_tokens import digest

DEFAULT_RATES = {"calendar_feed_address": "600/hour", "calendar_feed_token": "60/hour"}


class _FeedThrottle(SimpleRateThrottle):
    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or DEFAULT_RATES[self.scope]


class CalendarFeedAddressThrottle(_FeedThrottle):
    scope = "calendar_feed_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CalendarFeedTokenThrottle(_FeedThrottle):
    scope = "calendar_feed_token"

    def get_cache_key(self, request, view):
        token = str(view.kwargs.get("token", ""))[:100]
        return self.cache_format % {"scope": self.scope, "ident": digest(token)}


FEED_THROTTLES = (CalendarFeedAddressThrottle, CalendarFeedTokenThrottle)


def feed_wait(request, view) -> float | None:
    """Seconds to wait before this feed may be read again from here; None if it may now."""
    waits = [
        throttle.wait() or 1.0
        for throttle in (cls() for cls in FEED_THROTTLES)
        if not throttle.allow_request(request, view)
    ]
    return max(waits) if waits else None
