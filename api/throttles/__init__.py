"""Throttling: how often a caller may try.

- `SignInRateThrottle`: sign-in, refresh and password change, at the `login` rate of the
  settings (`LOGIN_THROTTLE_RATE`), per caller.
- `lockout`: password checks, per account and per client address, with a cool-off.

Both answer 429 with Retry-After.
"""

from rest_framework.throttling import SimpleRateThrottle


class SignInRateThrottle(SimpleRateThrottle):
    """At most the `login` rate of requests per caller: the user once signed in, otherwise
    the client address."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
