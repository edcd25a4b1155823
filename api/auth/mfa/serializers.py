from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api.auth.mfa import recovery
from api.exceptions import INCONSISTENT

TOTP_CODE = r"^[0-9]{6}\Z"
EXACTLY_ONE = "Give either `code` or `recovery_code`, not both."
ONE_NEEDED = "Give the code your authenticator app shows, or one of your recovery codes."


def totp_code_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        TOTP_CODE,
        max_length=6,
        trim_whitespace=False,
        help_text="The 6-digit code your authenticator app shows now.",
        **kwargs,
    )


class MfaChallengeSerializer(serializers.Serializer):
    """The answer to a correct password when the user signs in with a second factor: no tokens
    yet. Send the challenge with a code to `POST /api/v1/auth/token/mfa/`."""

    mfa_required = serializers.BooleanField(help_text="Always `true`: a code is needed.")
    challenge = serializers.CharField(
        help_text="Opaque; send it back with the code. It works once, for `expires_in` seconds."
    )
    expires_in = serializers.IntegerField(help_text="Seconds the challenge stays valid.")


class SecondFactorSerializer(serializers.Serializer):
    """A code from the authenticator app, or a recovery code: exactly one of them."""

    code = totp_code_field(required=False)
    recovery_code = serializers.RegexField(
        recovery.PATTERN,
        max_length=19,
        trim_whitespace=False,
        required=False,
        help_text=(
            "One of your recovery codes (`xxxx-xxxx-xxxx-xxxx`, any case, hyphens optional); "
            "each works once. Give either this or `code`, not both."
        ),
    )

    def validate(self, attrs):
        given = [name for name in ("code", "recovery_code") if name in attrs]
        if len(given) != 1:
            message = EXACTLY_ONE if given else ONE_NEEDED
            raise serializers.ValidationError(
                {name: [ErrorDetail(message, code=INCONSISTENT)] for name in given or ["code"]}
            )
        return attrs


class MfaSignInSerializer(SecondFactorSerializer):
    """The second step of a sign-in: the challenge and a code."""

    challenge = serializers.CharField(
        max_length=1000, help_text="The challenge the password step gave."
    )


class TotpEnrolmentSerializer(serializers.Serializer):
    """A new authenticator secret, pending until a first code confirms it. Show the QR code
    (or the secret, for typing in); it is never shown again once confirmed."""

    secret = serializers.CharField(help_text="The shared secret in base32, for typing in.")
    otpauth_uri = serializers.CharField(
        help_text="The `otpauth://totp/...` URI that the QR code holds."
    )
    qr_code = serializers.CharField(
        help_text="The QR code as an SVG image in a `data:image/svg+xml;base64,` URI."
    )


class TotpConfirmationSerializer(serializers.Serializer):
    code = totp_code_field()
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Your current password.",
    )


class RecoveryCodeListSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        min_length=recovery.COUNT,
        max_length=recovery.COUNT,
        help_text=(
            "One-time codes for signing in without the authenticator. Shown only now: ask the "
            "user to keep them somewhere safe. Any earlier codes no longer work."
        ),
    )


class MfaEnabledSerializer(RecoveryCodeListSerializer):
    """Two-factor sign-in is on: the recovery codes, and new tokens (every earlier refresh
    token was revoked)."""

    access = serializers.CharField()
    refresh = serializers.CharField()


class RecoveryCodesRegenerationSerializer(serializers.Serializer):
    code = totp_code_field()


class MfaStatusSerializer(serializers.Serializer):
    """Your two-factor sign-in."""

    enabled = serializers.BooleanField(help_text="Sign-in asks for a code.")
    pending = serializers.BooleanField(help_text="An enrolment is started but not confirmed.")
    recovery_codes_remaining = serializers.IntegerField(help_text="Unused recovery codes.")
    required_by_practice = serializers.BooleanField(
        help_text="Your practice requires two-factor sign-in of all staff."
    )
