"""The sign-in challenge: what the password step of a two-factor user gives instead of tokens.

A JWT signed with the JWT key, of its own type (`mfa_challenge`), so the API's bearer
authentication refuses it as an access token and the refresh endpoint as a refresh token. It
lives five minutes, names its user and their authenticator, and the count of sign-ins that
device had completed when it was issued: the second step succeeds only while the count is
unchanged and moves it on in the same conditional update, so a challenge works once.
"""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import Token

from api.auth.exceptions import TokenExpired, TokenInvalid
from api.auth.models import TotpDevice, User

LIFETIME = timedelta(minutes=5)
AGAIN = "; sign in again with your email and password."


class MfaChallengeToken(Token):
    token_type = "mfa_challenge"  # noqa: S105 (a token type, not a password)
    lifetime = LIFETIME


@dataclass(frozen=True)
class Challenge:
    user: User
    device: TotpDevice
    sign_ins: int


def issue(device: TotpDevice) -> dict:
    """The password step's answer for a user with two-factor sign-in: no tokens."""
    token = MfaChallengeToken.for_user(device.user)
    token["device"] = str(device.pk)
    token["sign_ins"] = device.sign_ins
    return {
        "mfa_required": True,
        "challenge": str(token),
        "expires_in": int(LIFETIME.total_seconds()),
    }


def read(raw: str) -> Challenge:
    """The challenge's user and device, if it is genuine, unexpired and unused, and its user is
    still active with the same confirmed authenticator; otherwise a 401."""
    try:
        token = MfaChallengeToken(raw)
        user_id, device_id = UUID(str(token["user_id"])), UUID(str(token["device"]))
        sign_ins = int(token["sign_ins"])
    except ExpiredTokenError as error:
        raise TokenExpired("The sign-in challenge has expired" + AGAIN) from error
    except (TokenError, KeyError, ValueError, TypeError) as error:
        raise TokenInvalid("The sign-in challenge is not valid" + AGAIN) from error
    device = (
        TotpDevice.objects.select_related("user")
        .filter(pk=device_id, user_id=user_id, confirmed_at__isnull=False)
        .first()
    )
    if device is None or not device.user.is_active:
        raise TokenInvalid("The sign-in challenge is no longer valid" + AGAIN)
    if device.sign_ins != sign_ins:
        raise TokenInvalid("The sign-in challenge has been used already" + AGAIN, user=device.user)
    return Challenge(user=device.user, device=device, sign_ins=sign_ins)
