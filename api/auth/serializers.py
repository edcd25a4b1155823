from rest_framework import serializers

from api.auth.models import Practice, Role, User
from api.fields import ScopedRelatedField


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["id", "name"]


class CurrentUserSerializer(serializers.ModelSerializer):
    """The signed-in user, with their practice."""

    practice = PracticeSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "practice", "supervisor", "last_login"]
        read_only_fields = fields


def colleagues(user: User):
    return User.objects.filter(practice_id=user.practice_id)


class UserSerializer(serializers.ModelSerializer):
    """A member of staff. `email` is shown to the practice's admins only."""

    email = serializers.EmailField(
        required=False, max_length=254, help_text="Present only when an admin reads it."
    )
    supervisor = ScopedRelatedField(User, scope=colleagues, allow_null=True, required=False)
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
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "is_active", "created_at", "updated_at"]

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
