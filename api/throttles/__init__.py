"""Throttling: how often a caller may try.

- `SignInRateThrottle`: sign-in, refresh and password change, at the `login` rate of the
  settings (`LOGIN_THROTTLE_RATE`), per caller.
- `lockout`: password checks, per account and per client address, with a cool-off.

Both answer 429 with Retry-After. While Redis cannot be reached, rate throttles let requests
pass and the lock-out refuses password checks (503): see SharedRateThrottle.
"""

import logging

from rest_framework.throttling import SimpleRateThrottle

from api.exceptions import SHARED_CACHE_UNAVAILABLE

logger = logging.getLogger("rootwise.errors")


class SharedRateThrottle(SimpleRateThrottle):
    """A rate counted in the shared cache. While the cache cannot be reached, requests pass
    uncounted (logged): a rate only limits load, and the limit that must hold whatever
    happens, on password checks, fails closed in `lockout` instead."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except SHARED_CACHE_UNAVAILABLE as error:
            logger.warning(
                "Shared cache unavailable: %s not counted (%s)", self.scope, type(error).__name__
            )
            return True


class SignInRateThrottle(SharedRateThrottle):
    """At most the `login` rate of requests per caller: the user once signed in, otherwise
    the client address."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
