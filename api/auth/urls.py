from django.urls import path

from api.auth import views
from api.auth.calendar.views import CalendarFeedRotateView, CalendarFeedView
from api.auth.mfa import views as mfa_views
from api.auth.practice import PracticeView
from api.routers import RecordRouter

router = RecordRouter()
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", views.LoginView.as_view(), name="auth-token"),
    path("auth/token/mfa/", mfa_views.MfaSignInView.as_view(), name="auth-token-mfa"),
    path("auth/token/refresh/", views.RefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="auth-password"),
    path("auth/mfa/", mfa_views.MfaStatusView.as_view(), name="auth-mfa"),
    path("auth/mfa/totp/", mfa_views.TotpEnrolmentView.as_view(), name="auth-mfa-totp"),
    path(
        "auth/mfa/totp/confirm/",
        mfa_views.TotpConfirmView.as_view(),
        name="auth-mfa-totp-confirm",
    ),
    path("auth/mfa/disable/", mfa_views.MfaDisableView.as_view(), name="auth-mfa-disable"),
    path(
        "auth/mfa/recovery-codes/",
        mfa_views.RecoveryCodesView.as_view(),
        name="auth-mfa-recovery-codes",
    ),
    path("practice/", PracticeView.as_view(), name="practice"),
    path("calendar-feed/", CalendarFeedView.as_view(), name="calendar-feed"),
    path("calendar-feed/rotate/", CalendarFeedRotateView.as_view(), name="calendar-feed-rotate"),
    *router.urls,
]
