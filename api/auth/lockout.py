"""Failed sign-ins are limited per account and per client address, with a cool-off.

After ACCOUNT_LIMIT failures for one account, or ADDRESS_LIMIT from one address, within
COOL_OFF_SECONDS of the first, sign-in answers 429 (with Retry-After) until that period ends;
it is never a permanent lock. A successful sign-in clears the account's count. Counts live in
the shared cache, so every app process enforces the same limits; keys are hashes, never
addresses or emails in the clear.
"""

import hashlib
import math
import time

from django.core.cache import cache

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
COOL_OFF_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    return f"sign-in-failures:{kind}:" + hashlib.sha256(value.encode()).hexdigest()


def _keys(email: str | None, address: str | None) -> list[tuple[str, int]]:
    keys = []
    if email:
        keys.append((_key("account", email.strip().lower()), ACCOUNT_LIMIT))
    if address:
        keys.append((_key("address", address), ADDRESS_LIMIT))
    return keys


def retry_after(email: str | None, address: str | None) -> int | None:
    """Seconds until sign-in may be tried again, or None if it may be tried now."""
    now = time.time()
    waits = [
        math.ceil(state["until"] - now)
        for key, limit in _keys(email, address)
        if (state := cache.get(key)) and state["count"] >= limit and state["until"] > now
    ]
    return max(waits) if waits else None


def record_failure(email: str | None, address: str | None) -> None:
    now = time.time()
    for key, _ in _keys(email, address):
        state = cache.get(key) or {"count": 0, "until": now + COOL_OFF_SECONDS}
        state["count"] += 1
        cache.set(key, state, timeout=max(1, math.ceil(state["until"] - now)))


def clear_account(email: str) -> None:
    cache.delete(_key("account", email.strip().lower()))
