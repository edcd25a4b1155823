"""Addresses that carry a secret (a measure link, a calendar feed) are open to whoever has one:
each kind is rate-limited per client address (someone trying tokens) and per token (someone, or
a misconfigured app, hammering one). A kind subclasses both with its own `scope`, whose rate
is in the settings' DEFAULT_THROTTLE_RATES."""

from api.secret_tokens import digest
from api.throttles import SharedRateThrottle


class PerAddressThrottle(SharedRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PerTokenThrottle(SharedRateThrottle):
    """Counts by the digest of the view's `token` argument: no token sits in the cache."""

    def get_cache_key(self, request, view):
        token = str(view.kwargs.get("token", ""))[:100]
        return self.cache_format % {"scope": self.scope, "ident": digest(token)}


def wait(throttle_classes, request, view) -> float | None:
    """Seconds to wait before `view` (with `.kwargs`) may be asked again from here; None if it
    may now. For views that are no DRF view (a server-rendered page, a feed)."""
    waits = [
        throttle.wait() or 1.0
        for throttle in (cls() for cls in throttle_classes)
        if not throttle.allow_request(request, view)
    ]
    return max(waits) if waits else None
