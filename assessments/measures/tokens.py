"""A measure link's token: 256 random bits, shown once in the message that carries it and
stored only as its SHA-256 digest, so the database alone never opens a link. A digest without a
salt is enough: a token is random, never a guessable word."""

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
    by it): any text has one, the same as ever for a token's ASCII."""
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def is_token_shaped(text: str) -> bool:
    return bool(_TOKEN.fullmatch(text))
