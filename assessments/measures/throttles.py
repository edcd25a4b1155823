"""Measure links are open to anyone who has one: each is rate-limited per address (someone
trying links) and per link (someone hammering one). A page and its JSON twin share the limits."""

from rest_framework.throttling import SimpleRateThrottle

from assessments.measures.tokens import digest


class MeasureLinkAddressThrottle(SimpleRateThrottle):
    scope = "measure_link_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class MeasureLinkTokenThrottle(SimpleRateThrottle):
    scope = "measure_link_token"

    def get_cache_key(self, request, view):
        token = str(view.kwargs.get("token", ""))[:100]
        return self.cache_format % {"scope": self.scope, "ident": digest(token)}


LINK_THROTTLES = (MeasureLinkAddressThrottle, MeasureLinkTokenThrottle)


def link_wait(request, view) -> float | None:
    """Seconds to wait before this link may be tried again from here; None if it may now."""
    waits = [
        throttle.wait() or 1.0
        for throttle in (cls() for cls in LINK_THROTTLES)
        if not throttle.allow_request(request, view)
    ]
    return max(waits) if waits else None
