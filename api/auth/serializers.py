from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenObtainSerializer

from api.auth import tokens
from api.auth.mfa import challenge, policy
from api.auth.models import Practice, Role, User
from api.fields import ScopedRelatedField


class SignInSerializer(TokenObtainPairSerializer):
    """Email and password: tokens; or, for someone who signs in with a second factor, a
    challenge and no tokens (`api.auth.mfa.challenge`)."""

    def validate(self, attrs):
        TokenObtainSerializer.validate(self, attrs)  # sets self.user, or refuses
        device = policy.confirmed_device(self.user)
        if device is not None:
            return challenge.issue(device)
        return tokens.pair_issue(user=self.user)


@extend_schema_field(bool)
class MfaEnabledField(serializers.Field):
    """Whether the user signs in with a second factor."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Whether sign-in asks for a code from an authenticator.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, user) -> bool:
        return policy.is_enabled(user)


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["id", "name"]


class CurrentUserSerializer(serializers.ModelSerializer):
    """The signed-in user, with their practice."""

    practice = PracticeSerializer(read_only=True)
    mfa_enabled = MfaEnabledField()
    mfa_enrolment_required = serializers.SerializerMethodField(
        help_text=(
            "Your practice requires two-factor sign-in and you have not set it up: until you "
            "do, everything but `/auth/me/`, `/auth/mfa/` and the enrolment at "
            "`/auth/mfa/totp/` answers 403 `mfa-enrolment-required`."
        )
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "practice",
            "supervisor",
            "last_login",
            "mfa_enabled",
            "mfa_enrolment_required",
        ]
        read_only_fields = fields

    def get_mfa_enrolment_required(self, user: User) -> bool:
        return policy.enrolment_required(user)


def colleagues(user: User):
    return User.objects.filter(practice_id=user.practice_id)


class UserSerializer(serializers.ModelSerializer):
    """A member of staff. `email` is shown to the practice's admins only."""

    email = serializers.EmailField(
        required=False, max_length=254, help_text="Present only when an admin reads it."
    )
    supervisor = ScopedRelatedField(User, scope=colleagues, allow_null=True, required=False)
    mfa_enabled = MfaEnabledField()
    response_optional_fields = ("email",)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "supervisor",
            "is_active",
            "mfa_enabled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "is_active", "mfa_enabled", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.is_admin:
            data.pop("email")
        return data


class NewUserSerializer(UserSerializer):
    """A member of staff to create, with an initial password."""

    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Role.choices)
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, max_length=128, trim_whitespace=False
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]


class RefreshTokenSerializer(serializers.Serializer):
    """The body of a refresh (documented in the schema as simplejwt's TokenRefresh)."""

    refresh = serializers.CharField()


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="The refresh token to revoke.")


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)
