"""Production settings: refuse to start without secrets, and pass Django's deployment check."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "api.settings",
    "DEBUG": "false",
    "SECRET_KEY": "prod-secret-9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a",
    "JWT_SIGNING_KEY": "prod-jwt-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b",
    "ALLOWED_HOSTS": "rootwise.example.org",
    "FIELD_ENCRYPTION_KEYS": "0nzlfUl0KWG6ZcoS8nqQ2BDi2E6XWdWx8DjHD08mOXE=",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("SECRET_KEY", "JWT_SIGNING_KEY", "FIELD_ENCRYPTION_KEYS"):
        result = manage("check", **{**PRODUCTION_ENV, missing: ""})
        assert result.returncode != 0
        assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_jwt_signing_key_must_differ_from_secret_key():
    key = PRODUCTION_ENV["SECRET_KEY"]
    result = manage("check", **{**PRODUCTION_ENV, "JWT_SIGNING_KEY": key})
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must differ from SECRET_KEY" in result.stderr


def test_database_connections_are_reused_and_health_checked():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner settings exist on PostgreSQL only"
)
@pytest.mark.django_db
def test_the_apps_postgresql_connections_plan_for_short_queries_over_cached_data():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        random_page_cost = cursor.fetchone()[0]

    assert (jit, random_page_cost) == ("off", "1.1")
