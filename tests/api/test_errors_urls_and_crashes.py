"""Requests that reach no view, or a view that crashes: unknown URLs are 404 problems, a missing
method is a 405, a forged host a 400, and a crash a 500 problem that reveals nothing.

One error format everywhere: RFC 9457 problem details for every 4xx and 5xx, never a stack
trace, never a 500 for a bad request (`tests.helpers.assert_problem` checks the format)."""

import pytest
from django.http import HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api import urls as api_urls
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


# A throwaway urlconf (used with `@pytest.mark.urls(__name__)`): the API plus two views that crash.
SECRET_TEXT = "password=hunter2 at db.internal:5432"


class Crash(Exception):
    pass


class CrashingApiView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise Crash(SECRET_TEXT)


def crashing_django_view(request) -> HttpResponse:
    raise Crash(SECRET_TEXT)


urlpatterns = [
    path("api/v1/crash/", CrashingApiView.as_view()),
    path("crash/", crashing_django_view),
    *api_urls.urlpatterns,
]
handler400 = api_urls.handler400
handler403 = api_urls.handler403
handler404 = api_urls.handler404
handler500 = api_urls.handler500


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/nothing-here",
        "/api/v1/nothing-here/",
        "/api/v1/users",  # no trailing slash: no redirect, no HTML
        "/api/v2/users/",
        "/api/v1/users/not-a-uuid/",
        "/api/v1/users/00000000-0000-0000-0000-000000000000/",
        "/not-the-api/",
    ],
)
def test_unknown_urls_are_404_problems(admin_api, url):
    response = admin_api.get(url)

    problem = assert_problem(response, 404)
    assert problem["type"] == "urn:rootwise:problem:not-found"


def test_unknown_urls_under_the_api_are_404_problems_even_when_signed_out(api_client):
    assert_problem(api_client.get("/api/v1/nothing-here/"), 404)


@pytest.mark.parametrize("url", ["/api/nothing-here", "/api/v1/nothing-here/", "/api/v1/users"])
def test_unknown_api_urls_are_404_problems_with_debug_on_too(api_client, settings, url):
    """With DEBUG on (`make run`), Django would answer its HTML debug page instead."""
    settings.DEBUG = True

    assert_problem(api_client.get(url), 404)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/auth/me/"),
        ("delete", "/api/v1/auth/me/"),
        ("get", "/api/v1/auth/password/"),
        ("get", "/api/v1/auth/logout/"),
        ("put", "/api/v1/users/"),
        ("delete", "/api/v1/users/"),
    ],
)
def test_a_method_the_endpoint_does_not_have_is_a_405_problem(admin_api, method, url):
    response = getattr(admin_api, method)(url)

    problem = assert_problem(response, 405)
    assert problem["type"] == "urn:rootwise:problem:method-not-allowed"


def test_a_forged_host_header_is_a_400_problem(api_client):
    response = api_client.get("/api/v1/roots/", HTTP_HOST="attacker.example")

    assert_problem(response, 400)


# Crashes.


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/v1/crash/", "/crash/"])
def test_a_crash_is_a_500_problem_that_reveals_nothing(lenient_client, url):
    response = lenient_client.get(url)

    problem = assert_problem(response, 500)
    assert problem["errors"] == []
    text = response.content.decode()
    for leak in (SECRET_TEXT, "hunter2", "Crash", "Traceback", "File ", ".py"):
        assert leak not in text
