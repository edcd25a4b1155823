from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from api import replica
from api.audit.mixins import AuditedViewMixin
from api.audit.models import AuditAction
from api.audit.services import audit_record, client_ip
from api.auth import services, tokens
from api.auth.exceptions import RefreshTokenReused, TokenRefused
from api.auth.filters import UserFilter
from api.auth.mfa import policy
from api.auth.mfa import services as mfa_services
from api.auth.mfa.serializers import MfaChallengeSerializer
from api.auth.models import User
from api.auth.serializers import (
    CurrentUserSerializer,
    LogoutSerializer,
    NewUserSerializer,
    PasswordChangeSerializer,
    RefreshTokenSerializer,
    SignInSerializer,
    UserSerializer,
)
from api.permissions import ReadOnlyUnlessAdmin
from api.schema import problem
from api.throttles import SignInRateThrottle, lockout
from api.viewsets import RecordMixin, ScopedViewSetMixin


class AuditedPostMixin:
    """Audits every POST, whatever its outcome, as `audit_action` about `audit_actor`; the view
    sets either once it knows better (whom a token named, that a sign-in succeeded). The actor
    of a successful one has written, for the read replica (`api/replica.py`)."""

    audit_action: str

    def dispatch(self, request, *args, **kwargs):
        self.audit_actor = None
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "POST":
            actor = self.audited_actor()
            audit_record(
                request=self.request,
                action=self.audit_action,
                status_code=response.status_code,
                actor=actor,
                object_type="user",
                object_id=actor.pk if actor is not None else "",
            )
            if actor is not None and response.status_code < 400:
                # A sign-in or refresh names its user only here: it counts as their write.
                replica.note_write(actor.pk)
        return response

    def audited_actor(self) -> User | None:
        if self.audit_actor is None and self.request.user.is_authenticated:
            return self.request.user
        return self.audit_actor


SIGN_IN_ANSWER = PolymorphicProxySerializer(
    component_name="SignIn",
    serializers=[TokenObtainPairSerializer, MfaChallengeSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_login",
        summary="Sign in",
        request=TokenObtainPairSerializer,
        responses={200: SIGN_IN_ANSWER},
    )
)
class LoginView(AuditedPostMixin, TokenObtainPairView):
    """Exchange an email and password for an access token (minutes) and a refresh token; or,
    for someone who signs in with a second factor, for a challenge (`mfa_required: true`) and
    no tokens: send it with a code to `POST /auth/token/mfa/`. Repeated failures for an account
    or from an address answer 429 for a cool-off period (Retry-After says how long); wrong
    codes at the second step count with them, and a right password does not clear them. Every
    attempt is audited."""

    serializer_class = SignInSerializer
    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.LOGIN_FAILED

    def post(self, request, *args, **kwargs):
        address = client_ip(request)
        try:
            email = _email_in(request.data)
        except (APIException, SuspiciousOperation):
            lockout.reserve(email=None, address=address)  # an unreadable body counts too
            raise
        lockout.reserve(email=email, address=address)
        response = super().post(request, *args, **kwargs)
        if response.data.get("mfa_required"):
            lockout.given_back(email=email, address=address)
            self.audit_action = AuditAction.MFA_CHALLENGE
        else:
            lockout.passed(email=email, address=address)
            self.audit_action = AuditAction.LOGIN
        return response

    def audited_actor(self) -> User | None:
        """The account tried, if the body names one (refusals before `post` are audited too)."""
        try:
            email = _email_in(self.request.data)
        except (APIException, SuspiciousOperation):
            return None
        return User.objects.filter(email=email).first() if email else None


def _email_in(data) -> str | None:
    email = data.get("email") if isinstance(data, dict) else None
    usable = isinstance(email, str) and email.strip() and "\x00" not in email
    return email.strip().lower() if usable else None


@extend_schema_view(
    post=extend_schema(tags=["auth"], operation_id="auth_refresh", summary="Refresh the tokens")
)
class RefreshView(AuditedPostMixin, TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token.
    The refresh token sent is revoked: each works once. One presented again after its use
    (by anyone, even by a second request racing the first) revokes every token of its sign-in:
    keep one refresh in flight at a time. Every attempt is audited."""

    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.REFRESH

    def post(self, request, *args, **kwargs):
        # The schema documents simplejwt's TokenRefreshSerializer; the rotation is ours.
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.audit_actor, pair = tokens.refresh_rotate(raw=serializer.validated_data["refresh"])
        except TokenRefused as refused:
            self.audit_actor = refused.user
            if isinstance(refused, RefreshTokenReused):
                self.audit_action = AuditAction.REFRESH_REUSED
            raise
        return Response(pair)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"], operation_id="auth_logout", request=LogoutSerializer, responses={204: None}
    )
)
class LogoutView(AuditedPostMixin, APIView):
    """Sign out: revoke the refresh token given and every token of its sign-in. Works with an
    expired access token, so a client can always sign out. Every attempt is audited."""

    authentication_classes = []
    permission_classes = [AllowAny]
    www_authenticate_realm = "api"
    audit_action = AuditAction.LOGOUT

    def get_authenticate_header(self, request):
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.audit_actor = tokens.session_end(raw=serializer.validated_data["refresh"])
        except TokenRefused as refused:
            self.audit_actor = refused.user
            if isinstance(refused, RefreshTokenReused):
                self.audit_action = AuditAction.REFRESH_REUSED
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(tags=["auth"], operation_id="auth_me", responses=CurrentUserSerializer)
)
class MeView(APIView):
    """The signed-in user, their role and practice. `mfa_enrolment_required` says whether the
    practice holds them to setting up two-factor sign-in before anything else."""

    open_before_mfa_enrolment = True

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
class PasswordChangeView(AuditedPostMixin, APIView):
    """Change your own password. Every refresh token you hold is revoked: sign in again.
    A wrong current password counts as a failed sign-in for your account: after too many, this
    answers 429 for a cool-off period (Retry-After says how long). Every attempt is audited."""

    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.PASSWORD_CHANGE

    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(
            user=request.user, address=client_ip(request), **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["staff"])
@extend_schema_view(
    create=extend_schema(request=NewUserSerializer, responses={201: UserSerializer}),
    partial_update=extend_schema(responses={200: UserSerializer, **problem(409)}),
    deactivate=extend_schema(request=None, responses={200: UserSerializer, **problem(409)}),
    reactivate=extend_schema(request=None, responses={200: UserSerializer}),
    reset_mfa=extend_schema(request=None, responses={200: UserSerializer, **problem(409)}),
)
class UserViewSet(
    AuditedViewMixin,
    RecordMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff of your practice. Everyone may list colleagues (for care-team pickers); only
    admins create, change, deactivate and reactivate, and reset two-factor sign-in. Nobody is
    ever deleted. Every change is audited (reads of the staff list are not: it holds no client
    data)."""

    reads_from_replica = True
    audit_object_type = "user"
    audit_reads = False
    queryset = policy.with_mfa_state(User.objects.all())
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated, ReadOnlyUnlessAdmin]
    filterset_class = UserFilter
    ordering = ("full_name", "id")
    http_method_names = ["get", "post", "patch", "head"]

    def scope(self, user: User) -> Q:
        return Q(practice_id=user.practice_id)

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

    @action(detail=True, methods=["post"], url_path="reset-mfa")
    def reset_mfa(self, request, pk=None):
        """Reset a colleague's two-factor sign-in. For a lost phone: their authenticator and
        recovery codes are forgotten and their refresh tokens revoked; they sign in with their
        password and set up a new authenticator. Not your own (409). Audited as `mfa_reset`."""
        user = mfa_services.mfa_reset(user=self.get_object(), by=request.user)
        return Response(self.get_serializer(user).data)
