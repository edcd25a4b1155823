from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import AccessToken

from api.auth.exceptions import TokenExpired, TokenInvalid, TokenRevoked


class BearerAuthentication(JWTAuthentication):
    """simplejwt's access-token check, with its refusals as Rootwise's token problems: an
    expired token (refresh it), a revoked one (the user was deactivated: sign in again), and
    anything else that is not a valid access token."""

    def get_raw_token(self, header: bytes) -> bytes | None:
        try:
            return super().get_raw_token(header)
        except AuthenticationFailed as error:
            raise TokenInvalid("The Authorization header must be 'Bearer <token>'.") from error

    def get_validated_token(self, raw_token: bytes) -> AccessToken:
        try:
            return AccessToken(raw_token)
        except ExpiredTokenError as error:
            raise TokenExpired("The access token has expired; refresh it.") from error
        except TokenError as error:
            raise TokenInvalid("The access token is not valid; sign in again.") from error

    def get_user(self, validated_token: AccessToken):
        try:
            return super().get_user(validated_token)
        except AuthenticationFailed as error:
            if error.detail.get("code") == "user_inactive":
                raise TokenRevoked("The account has been deactivated.") from error
            raise TokenInvalid("The access token is not valid; sign in again.") from error


class BearerScheme(SimpleJWTScheme):
    """The schema documents BearerAuthentication as simplejwt's bearer scheme (`jwtAuth`)."""

    target_class = "api.auth.authentication.BearerAuthentication"
