from django.core.exceptions import SuspiciousOperation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from api.audit.models import AuditAction
from api.audit.services import audit_record, client_ip
from api.auth import lockout, services
from api.auth.filters import UserFilter
from api.auth.models import User
from api.auth.serializers import (
    CurrentUserSerializer,
    LogoutSerializer,
    NewUserSerializer,
    PasswordChangeSerializer,
    UserSerializer,
)
from api.permissions import ReadOnlyUnlessAdmin
from api.schema import problem
from api.viewsets import RecordMixin


@extend_schema_view(post=extend_schema(tags=["auth"], operation_id="auth_login"))
class LoginView(TokenObtainPairView):
    """Exchange an email and password for an access token (minutes) and a refresh token.
    Repeated failures for an account or from an address answer 429 for a cool-off period
    (Retry-After says how long). Every attempt is audited."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def _email_tried(self) -> str | None:
        """The email in the body, if it can be read at all (refusals are audited too)."""
        try:
            email = self.request.data.get("email") if isinstance(self.request.data, dict) else None
        except (APIException, SuspiciousOperation):
            return None
        usable = isinstance(email, str) and email.strip() and "\x00" not in email
        return email.strip().lower() if usable else None

    def post(self, request, *args, **kwargs):
        request.data  # noqa: B018 (a body that cannot be read is refused here, as usual)
        wait = lockout.retry_after(self._email_tried(), client_ip(request))
        if wait is not None:
            raise Throttled(wait=wait, detail="Too many failed sign-ins; try again later.")
        return super().post(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "POST":
            email = self._email_tried()
            if response.status_code == 401:
                lockout.record_failure(email, client_ip(self.request))
            elif response.status_code == 200:
                lockout.clear_account(email)
            audit_record(
                request=self.request,
                action=AuditAction.LOGIN
                if response.status_code == 200
                else AuditAction.LOGIN_FAILED,
                status_code=response.status_code,
                actor=User.objects.filter(email=email).first() if email else None,
                object_type="user",
            )
        return response


@extend_schema_view(post=extend_schema(tags=["auth"], operation_id="auth_refresh"))
class RefreshView(TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token.
    The refresh token sent is revoked: each works once."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


@extend_schema_view(
    post=extend_schema(
        tags=["auth"], operation_id="auth_logout", request=LogoutSerializer, responses={204: None}
    )
)
class LogoutView(APIView):
    """Revoke a refresh token. Works with an expired access token, so a client can always
    sign out."""

    authentication_classes = []
    permission_classes = [AllowAny]
    www_authenticate_realm = "api"

    def get_authenticate_header(self, request):
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise InvalidToken(str(error)) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(tags=["auth"], operation_id="auth_me", responses=CurrentUserSerializer)
)
class MeView(APIView):
    """The signed-in user, their role and practice."""

    def get(self, request):
        return Response(CurrentUserSerializer(request.user).data)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_password_change",
        request=PasswordChangeSerializer,
        responses={204: None},
    )
)
class PasswordChangeView(APIView):
    """Change your own password. Every refresh token you hold is revoked: sign in again."""

    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["staff"])
@extend_schema_view(
    create=extend_schema(request=NewUserSerializer, responses={201: UserSerializer}),
    partial_update=extend_schema(responses={200: UserSerializer, **problem(409)}),
    deactivate=extend_schema(request=None, responses={200: UserSerializer, **problem(409)}),
    reactivate=extend_schema(request=None, responses={200: UserSerializer}),
)
class UserViewSet(
    RecordMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff of your practice. Everyone may list colleagues (for care-team pickers); only
    admins create, change, deactivate and reactivate. Nobody is ever deleted."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated, ReadOnlyUnlessAdmin]
    filterset_class = UserFilter
    ordering = ("full_name", "id")
    http_method_names = ["get", "post", "patch", "head"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.queryset.filter(practice_id=self.request.user.practice_id)

    def create(self, request, *args, **kwargs):
        serializer = NewUserSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        user = services.user_create(practice=request.user.practice, **serializer.validated_data)
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.user_update(
            user=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stop a member of staff from signing in; their refresh tokens are revoked."""
        user = services.user_deactivate(user=self.get_object(), by=request.user)
        return Response(self.get_serializer(user).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Let a deactivated member of staff sign in again."""
        user = services.user_reactivate(user=self.get_object())
        return Response(self.get_serializer(user).data)
