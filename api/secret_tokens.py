"""Secrets carried in a URL (a client's measure link, a calendar feed's address): 256 random
bits, shown once to the person they are issued to and stored only as their SHA-256 digest, so
the database alone opens nothing. A digest without a salt is enough: a token is random, never
a guessable word."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# What `secrets.token_urlsafe(TOKEN_BYTES)` gives: unpadded URL-safe base64 of 32 bytes.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105 (a shape, not a secret)
_TOKEN = re.compile(TOKEN_PATTERN)


def new_token() -> tuple[str, str]:
    """A fresh token and its digest."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    """The digest of a token, or of whatever text a path held in its place (a throttle counts
    by it): any text has one."""
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def is_token_shaped(text: str) -> bool:
    return isinstance(text, str) and bool(_TOKEN.fullmatch(text))
