"""Why a token was refused: each reason is its own problem type (`urn:rootwise:problem:token-…`),
so a client knows whether to refresh, or to sign in again."""

from rest_framework.exceptions import AuthenticationFailed, PermissionDenied


class TokenRefused(AuthenticationFailed):
    """A 401 for a token; `user` is whom the token named, when its signature proved it."""

    def __init__(self, detail: str | None = None, *, user=None):
        super().__init__(detail)
        self.user = user


class TokenExpired(TokenRefused):
    default_detail = "The token has expired."
    default_code = "token_expired"


class TokenRevoked(TokenRefused):
    default_detail = "The token has been revoked; sign in again."
    default_code = "token_revoked"


class RefreshTokenReused(TokenRevoked):
    default_detail = (
        "This refresh token was already used, so every session of that sign-in has been "
        "signed out; sign in again."
    )


class TokenInvalid(TokenRefused):
    default_detail = "The token is not valid; sign in again."
    default_code = "token_invalid"


class SecondFactorRefused(TokenRefused):
    """A wrong, or already used, code at the second step of a sign-in."""

    default_detail = "The code is not correct, or has been used already."


class MfaEnrolmentRequired(PermissionDenied):
    """The practice requires two-factor sign-in and the caller has not set it up yet."""

    default_detail = (
        "Your practice requires two-factor sign-in: set it up at /api/v1/auth/mfa/totp/ "
        "before anything else."
    )
    default_code = "mfa_enrolment_required"
