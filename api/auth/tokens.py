"""Refresh tokens: each works once, and a second use revokes its whole family.

A sign-in issues a refresh token; each refresh exchanges a token for its successor. The tokens
descended from one sign-in are a family (`TokenFamilyMember`; a token refreshed for the first
time founds one). Rules:

- A token is exchanged at most once: the exchange marks it rotated with a conditional update
  (`rotated_at` still null), which the database applies to one transaction at a time, so of
  concurrent refreshes of one token exactly one succeeds.
- A rotated token presented again, even by the loser of such a race, means two parties hold
  the family: every token of the family is revoked (RFC 9700, section 4.14.2), and the caller
  gets `RefreshTokenReused` so the view can audit it.
- A revoked token (signed out, password changed, user deactivated) or an inactive user's token
  is refused as revoked; an expired one as expired; anything else as invalid.
- Signing out revokes the family of the token given: the session of that sign-in ends.
"""

import uuid

from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from api.auth.exceptions import RefreshTokenReused, TokenExpired, TokenInvalid, TokenRevoked
from api.auth.models import TokenFamilyMember, User


def pair_issue(*, user: User) -> dict:
    """A new sign-in's access and refresh token (the refresh token founds a family when it is
    first refreshed); the user's last login is now."""
    refresh = RefreshToken.for_user(user)
    update_last_login(None, user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def refresh_rotate(*, raw: str) -> tuple[User, dict]:
    """Exchange a live refresh token for a new access and refresh token of the same family."""
    member = _live_member(raw)
    user = member.token.user
    with transaction.atomic():
        won = TokenFamilyMember.objects.filter(pk=member.pk, rotated_at=None).update(
            rotated_at=timezone.now()
        )
        if won:
            BlacklistedToken.objects.get_or_create(token=member.token)
            successor = RefreshToken.for_user(user)
            TokenFamilyMember.objects.create(
                token=OutstandingToken.objects.get(jti=successor["jti"]), family=member.family
            )
    if not won:
        raise _reuse_detected(member)
    return user, {"access": str(successor.access_token), "refresh": str(successor)}


def session_end(*, raw: str) -> User:
    """Sign out: revoke the family of a live refresh token."""
    member = _live_member(raw)
    family_revoke(family=member.family)
    return member.token.user


def family_revoke(*, family: uuid.UUID) -> int:
    """Blacklist every token of a family not yet blacklisted; returns how many."""
    return tokens_revoke(OutstandingToken.objects.filter(family_member__family=family))


def tokens_revoke(outstanding) -> int:
    """Blacklist the outstanding tokens of a queryset not yet blacklisted; returns how many."""
    tokens = list(outstanding.filter(blacklistedtoken__isnull=True))
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in tokens], ignore_conflicts=True
    )
    return len(tokens)


class _RefreshTokenBlacklistUnread(RefreshToken):
    """Signature, expiry, type and id verified; the blacklist is read by `_live_member`, which
    tells a rotated token from a revoked one."""

    def check_blacklist(self) -> None:
        return None


def _live_member(raw: str) -> TokenFamilyMember:
    try:
        token = _RefreshTokenBlacklistUnread(raw)
    except ExpiredTokenError as error:
        raise TokenExpired("The refresh token has expired; sign in again.") from error
    except TokenError as error:
        raise TokenInvalid("The refresh token is not valid; sign in again.") from error
    outstanding = OutstandingToken.objects.select_related("user").filter(jti=token["jti"]).first()
    if outstanding is None or outstanding.user is None:
        raise TokenInvalid("The refresh token is not valid; sign in again.")
    member, _ = TokenFamilyMember.objects.get_or_create(
        token=outstanding, defaults={"family": uuid.uuid4()}
    )
    if member.rotated_at is not None:
        raise _reuse_detected(member)
    if (
        not outstanding.user.is_active
        or BlacklistedToken.objects.filter(token=outstanding).exists()
    ):
        raise TokenRevoked(
            "The refresh token has been revoked; sign in again.", user=outstanding.user
        )
    return member


def _reuse_detected(member: TokenFamilyMember) -> RefreshTokenReused:
    """Revoke the family of a token presented after its rotation; the error to raise."""
    family_revoke(family=member.family)
    return RefreshTokenReused(user=member.token.user)
