from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api import exceptions
from api.health import LiveView, ReadyView
from api.vocabulary_views import RootListView, StrategyListView

v1 = [
    path("", include("api.auth.urls")),
    path("", include("clients.urls")),
    path("", include("sessions.urls")),
    path("", include("sessions.homework.urls")),
    path("", include("sessions.appointments.urls")),
    path("", include("assessments.urls")),
    path("", include("assessments.measures.portal_urls")),
    path("", include("progress.urls")),
    path("", include("api.audit.urls")),
    path("", include("api.events.urls")),
    path("roots/", RootListView.as_view(), name="roots"),
    path("strategies/", StrategyListView.as_view(), name="strategies"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]

urlpatterns = [
    path("health/live", LiveView.as_view(), name="health-live"),
    path("health/ready", ReadyView.as_view(), name="health-ready"),
    path("api/v1/", include(v1)),
    # A client's measure link (assessments/measures): server-rendered pages, no sign-in.
    path("m/", include("assessments.measures.page_urls")),
    # A clinician's calendar feed (sessions/calendar): read by calendar apps, no sign-in.
    path("calendar/", include("sessions.calendar.urls")),
    re_path(r"^api/", exceptions.not_found),
]

handler400 = exceptions.bad_request
handler403 = exceptions.permission_denied
handler404 = exceptions.not_found
handler500 = exceptions.server_error
