"""Recovery codes: one-time codes for signing in when the authenticator is lost.

Each code is 16 characters of Crockford's base32 (80 random bits), shown once, grouped as
`xxxx-xxxx-xxxx-xxxx`. Only a salted SHA-256 digest is stored. A fast hash is enough here,
unlike for passwords: a password is guessable, so its hash must be slow, but trying every
recovery code means 2^80 hashes, out of reach however fast each one is, and a slow hash would
only make each sign-in check ten of them slowly. Typed codes are read case-insensitively, with
or without the hyphens.
"""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from api.auth.models import RecoveryCode, User

COUNT = 10
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16
GROUP = 4
PATTERN = r"^[0-9A-Za-z]{4}(-?[0-9A-Za-z]{4}){3}\Z"


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def _normalised(code: str) -> str:
    return code.replace("-", "").strip().lower()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[start : start + GROUP] for start in range(0, LENGTH, GROUP))


@transaction.atomic
def replace_all(*, user: User) -> list[str]:
    """New codes for `user`, replacing every earlier one; the only time they are in the clear."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(COUNT)]
    rows = []
    for code in codes:
        salt = secrets.token_hex(16)
        rows.append(RecoveryCode(user=user, salt=salt, digest=_digest(salt, _normalised(code))))
    RecoveryCode.objects.bulk_create(rows)
    return codes


def use(*, user: User, code: str) -> bool:
    """Spend one of `user`'s unused codes: True if `code` is one and this call spent it (of
    concurrent uses of one code, exactly one succeeds)."""
    typed = _normalised(code)
    for candidate in RecoveryCode.objects.filter(user=user, used_at=None):
        if hmac.compare_digest(candidate.digest, _digest(candidate.salt, typed)):
            spent = RecoveryCode.objects.filter(pk=candidate.pk, used_at=None)
            return spent.update(used_at=timezone.now()) == 1
    return False


def remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()
