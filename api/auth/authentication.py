from django.core.exceptions import ValidationError
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, ExpiredTokenError, TokenError
from rest_framework_simplejwt.tokens import AccessToken

from api.auth.exceptions import TokenExpired, TokenInvalid, TokenRevoked
from api.auth.mfa import policy


class BearerAuthentication(JWTAuthentication):
    """simplejwt's access-token check, with its refusals as Rootwise's token problems: an
    expired token (refresh it), a revoked one (the user was deactivated: sign in again), and
    anything else that is not a valid access token. Then the practice's two-factor policy
    (`api.auth.mfa.policy`): staff it holds to enrolment reach only the enrolment views."""

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is not None:
            policy.enforce(request, authenticated[0])
        return authenticated

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
        """The token's user, with their practice and two-factor state, in one query."""
        invalid = "The access token is not valid; sign in again."
        try:
            user = policy.users_with_mfa_state().filter(pk=validated_token["user_id"]).first()
        except (KeyError, ValidationError) as error:
            raise TokenInvalid(invalid) from error
        if user is None:
            raise TokenInvalid(invalid)
        if not user.is_active:
            raise TokenRevoked("The account has been deactivated.")
        return user


class BearerScheme(SimpleJWTScheme):
    """The schema documents BearerAuthentication as simplejwt's bearer scheme (`jwtAuth`)."""

    target_class = "api.auth.authentication.BearerAuthentication"
