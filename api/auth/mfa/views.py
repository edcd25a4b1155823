"""Two-factor sign-in endpoints: the second step of a sign-in, and one's own enrolment, recovery
codes and switching it off. Every POST is audited, refused ones included."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from api.audit.models import AuditAction
from api.audit.services import client_ip
from api.auth.exceptions import TokenRefused
from api.auth.mfa import recovery, services
from api.auth.mfa.serializers import (
    MfaEnabledSerializer,
    MfaSignInSerializer,
    MfaStatusSerializer,
    RecoveryCodeListSerializer,
    RecoveryCodesRegenerationSerializer,
    SecondFactorSerializer,
    TotpConfirmationSerializer,
    TotpEnrolmentSerializer,
)
from api.auth.models import TotpDevice
from api.auth.views import AuditedPostMixin
from api.throttles import SignInRateThrottle


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_login_mfa",
        summary="Sign in: the second factor",
        request=MfaSignInSerializer,
        responses={200: TokenObtainPairSerializer},
    )
)
class MfaSignInView(AuditedPostMixin, APIView):
    """Exchange the challenge of the password step and a code from the authenticator app (or
    one recovery code) for an access token and a refresh token. The challenge works once and
    for five minutes: a 401 `token-expired` or `token-invalid` means start again with the
    password. A wrong or already used code is a 401 `authentication-failed` and counts, like a
    wrong password, toward the account's lock-out (429 with Retry-After). Every attempt is
    audited."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInRateThrottle]
    www_authenticate_realm = "api"
    audit_action = AuditAction.MFA_FAILED

    def get_authenticate_header(self, request):
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def post(self, request):
        data = _validated(MfaSignInSerializer, request)
        try:
            self.audit_actor, pair = services.sign_in_complete(
                raw_challenge=data["challenge"],
                code=data.get("code"),
                recovery_code=data.get("recovery_code"),
                address=client_ip(request),
            )
        except TokenRefused as refused:
            self.audit_actor = refused.user
            raise
        self.audit_action = AuditAction.LOGIN if "code" in data else AuditAction.LOGIN_RECOVERY_CODE
        return Response(pair)


@extend_schema_view(
    get=extend_schema(
        tags=["auth"],
        operation_id="auth_mfa_status",
        summary="Read your two-factor sign-in",
        responses=MfaStatusSerializer,
    )
)
class MfaStatusView(APIView):
    """Whether your sign-in asks for a code, how many recovery codes you have left, and whether
    your practice requires two-factor sign-in."""

    open_before_mfa_enrolment = True

    def get(self, request):
        user = request.user
        confirmed = TotpDevice.objects.filter(user=user).values_list("confirmed_at", flat=True)
        state = list(confirmed)
        status_ = {
            "enabled": bool(state) and state[0] is not None,
            "pending": bool(state) and state[0] is None,
            "recovery_codes_remaining": recovery.remaining(user=user),
            "required_by_practice": user.practice.mfa_required,
        }
        return Response(MfaStatusSerializer(status_).data)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_mfa_totp_start",
        summary="Start setting up an authenticator app",
        request=None,
        responses={201: TotpEnrolmentSerializer},
    )
)
class TotpEnrolmentView(AuditedPostMixin, APIView):
    """Start setting up an authenticator app: a new secret, as a QR code to scan and as text to
    type in, pending until `POST /auth/mfa/totp/confirm/` confirms it with a first code.
    Starting again replaces a pending secret; with two-factor sign-in already on, this is a 409
    (turn it off first). Open to staff whom their practice holds to enrolment."""

    open_before_mfa_enrolment = True
    audit_action = AuditAction.MFA_ENROL

    def post(self, request):
        enrolment = services.totp_enrolment_start(user=request.user)
        return Response(TotpEnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_mfa_totp_confirm",
        summary="Turn on two-factor sign-in",
        request=TotpConfirmationSerializer,
        responses={200: MfaEnabledSerializer},
    )
)
class TotpConfirmView(AuditedPostMixin, APIView):
    """Turn on two-factor sign-in with the first code from the authenticator app being set up
    and your current password. Answers your ten recovery codes, shown only this once, and a new
    access and refresh token: every refresh token you held before is revoked, so other sessions
    end. A wrong password counts toward the lock-out like a failed sign-in; a wrong code is a
    400 naming `code`; no pending enrolment, or two-factor sign-in already on, a 409."""

    open_before_mfa_enrolment = True
    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.MFA_CONFIRM

    def post(self, request):
        data = _validated(TotpConfirmationSerializer, request)
        enabled = services.totp_enrolment_confirm(
            user=request.user, address=client_ip(request), **data
        )
        return Response(MfaEnabledSerializer(enabled).data)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_mfa_disable",
        summary="Turn off two-factor sign-in",
        request=SecondFactorSerializer,
        responses={204: None},
    )
)
class MfaDisableView(AuditedPostMixin, APIView):
    """Turn off your two-factor sign-in, with a current code from the authenticator app or one
    of your recovery codes (a wrong one is a 400 naming the field and counts toward the
    lock-out). The authenticator and the recovery codes are forgotten. If your practice
    requires two-factor sign-in, you can then only set it up again. Two-factor sign-in not on:
    409."""

    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.MFA_DISABLE

    def post(self, request):
        data = _validated(SecondFactorSerializer, request)
        services.mfa_disable(
            user=request.user,
            code=data.get("code"),
            recovery_code=data.get("recovery_code"),
            address=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        operation_id="auth_mfa_recovery_codes_regenerate",
        summary="Replace your recovery codes",
        request=RecoveryCodesRegenerationSerializer,
        responses={200: RecoveryCodeListSerializer},
    )
)
class RecoveryCodesView(AuditedPostMixin, APIView):
    """Replace your recovery codes with ten new ones, for a current code from the authenticator
    app (a wrong one is a 400 naming `code` and counts toward the lock-out). Every earlier code
    stops working. Two-factor sign-in not on: 409."""

    throttle_classes = [SignInRateThrottle]
    audit_action = AuditAction.MFA_RECOVERY_CODES

    def post(self, request):
        data = _validated(RecoveryCodesRegenerationSerializer, request)
        codes = services.recovery_codes_regenerate(
            user=request.user, code=data["code"], address=client_ip(request)
        )
        return Response(RecoveryCodeListSerializer({"recovery_codes": codes}).data)
