"""Password checks are limited per account and per client address, with a cool-off.

Every password check (a sign-in, or the current password in a password change) first reserves
an attempt: an atomic increment of the account's and the address's counts. If either count then
exceeds its limit (ACCOUNT_LIMIT, ADDRESS_LIMIT), the password is not checked, the reservation
is given back, and the caller answers 429 with Retry-After until COOL_OFF_SECONDS after the
count's first attempt; it is never a permanent lock. A reservation stands as a failure unless
the password proves right: then the account's count is cleared and the address's attempt given
back. Because the attempt is counted before the password is checked, concurrent attempts never
make more checks than the limit. A second factor's code is checked the same way (a right
password before it only gives its attempt back: `given_back`).

Counts are shared by every app process: in Redis (MULTI with INCR) when the cache is Redis,
otherwise in `LockoutCount` rows (one upsert). Keys are hashes, never addresses or emails in
the clear.
"""

import functools
import hashlib
import math
import time

import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from rest_framework.exceptions import Throttled

from api.auth.models import LockoutCount

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
COOL_OFF_SECONDS = 15 * 60


def reserve(*, email: str | None, address: str | None) -> None:
    """Count one password check against the account and the address, or raise Throttled
    (nothing counted) if either has reached its limit."""
    store, now = _store(), time.time()
    taken, waits = [], []
    for key, limit in _keys(email, address):
        count, until = store.increment(key, now)
        taken.append(key)
        if count > limit:
            waits.append(max(1, math.ceil(until - now)))
    if waits:
        for key in taken:
            store.decrement(key)
        raise Throttled(wait=max(waits), detail="Too many wrong passwords; try again later.")


def passed(*, email: str | None, address: str | None) -> None:
    """The password was right: the account starts afresh; the address gets its attempt back."""
    store = _store()
    if email:
        store.clear(_account_key(email))
    if address:
        store.decrement(_key("address", address))


def given_back(*, email: str | None, address: str | None) -> None:
    """The password was right but is not the whole sign-in (a second factor follows): the
    attempt is given back to the account and the address, and earlier failures stand, so that
    knowing the password never wipes the count of wrong codes."""
    store = _store()
    for key, _ in _keys(email, address):
        store.decrement(key)


def _key(kind: str, value: str) -> str:
    # surrogatepass: whatever the input, the attempt is counted rather than crashing.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sign-in-failures:{kind}:{digest}"


def _account_key(email: str) -> str:
    return _key("account", email.strip().lower())


def _keys(email: str | None, address: str | None) -> list[tuple[str, int]]:
    keys = []
    if email:
        keys.append((_account_key(email), ACCOUNT_LIMIT))
    if address:
        keys.append((_key("address", address), ADDRESS_LIMIT))
    return keys


def _store():
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith(".RedisCache"):
        return _RedisCounts(_redis(cache["LOCATION"]))
    return _TableCounts()


@functools.lru_cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


class _RedisCounts:
    # Decrement only a count that still exists: DECR on an expired key would create one
    # without an expiry, a lock that never lifts.
    _DECREMENT = "if redis.call('exists', KEYS[1]) == 1 then redis.call('decr', KEYS[1]) end"

    def __init__(self, client: redis.Redis):
        self.client = client

    def increment(self, key: str, now: float) -> tuple[int, float]:
        pipeline = self.client.pipeline(transaction=True)
        pipeline.set(key, 0, ex=COOL_OFF_SECONDS, nx=True)
        pipeline.incr(key)
        pipeline.ttl(key)
        _, count, seconds_left = pipeline.execute()
        return count, now + seconds_left

    def decrement(self, key: str) -> None:
        self.client.eval(self._DECREMENT, 1, key)

    def clear(self, key: str) -> None:
        self.client.delete(key)


class _TableCounts:
    def increment(self, key: str, now: float) -> tuple[int, float]:
        LockoutCount.objects.filter(until__lte=now).delete()
        table = connection.ops.quote_name(LockoutCount._meta.db_table)
        key_, count, until = (connection.ops.quote_name(name) for name in ("key", "count", "until"))
        # One statement, so the database serialises concurrent attempts on the row.
        sql = (
            f"INSERT INTO {table} ({key_}, {count}, {until}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key_}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{until} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{until} = CASE WHEN {table}.{until} <= %s THEN excluded.{until} "
            f"ELSE {table}.{until} END "
            f"RETURNING {count}, {until}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now + COOL_OFF_SECONDS, now, now])
            return cursor.fetchone()

    def decrement(self, key: str) -> None:
        LockoutCount.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def clear(self, key: str) -> None:
        LockoutCount.objects.filter(key=key).delete()
