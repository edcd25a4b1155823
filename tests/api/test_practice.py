"""A practice's time zone: set at `create_practice`, read by everyone in the practice at
/api/v1/practice/, changed by its admins only, always a known IANA name, and defaulting to the
PRACTICE_TIME_ZONE setting."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from api.audit.models import AuditEvent
from api.auth.models import Practice, User
from api.timezones import time_zone_names
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

PRACTICE = "/api/v1/practice/"


def stored(practice: Practice) -> dict:
    fresh = Practice.objects.get(pk=practice.pk)
    return {"name": fresh.name, "time_zone": fresh.time_zone, "updated_at": fresh.updated_at}


def events_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_id=response["X-Request-ID"]))


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinician", "supervisor", "admin"])
def test_everyone_in_the_practice_reads_it(role, request, practice, as_user):
    response = as_user(request.getfixturevalue(role)).get(PRACTICE)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "time_zone",
        "mfa_required",
        "measure_expiry_days",
        "risk_alert_escalation_hours",
        "crisis_text",
        "crisis_text_shown",
        "note_signing_hours",
        "reassessment_days",
        "created_at",
        "updated_at",
    }
    assert (body["id"], body["name"], body["time_zone"]) == (str(practice.pk), practice.name, "UTC")
    assert response["ETag"]
    assert events_of(response) == []  # no client data: reads are not audited


def test_each_user_reads_their_own_practice(stranger, other_practice, clinician, as_user):
    Practice.objects.filter(pk=other_practice.pk).update(time_zone="Asia/Tokyo")

    theirs = as_user(stranger).get(PRACTICE).json()
    ours = as_user(clinician).get(PRACTICE).json()

    assert (theirs["id"], theirs["time_zone"]) == (str(other_practice.pk), "Asia/Tokyo")
    assert (ours["id"], ours["time_zone"]) == (str(clinician.practice_id), "UTC")


def test_reading_it_needs_a_signed_in_user(api_client):
    assert_problem(api_client.get(PRACTICE), 401)


# --- Changing ----------------------------------------------------------------------------------


def test_an_admin_sets_the_time_zone_and_the_change_is_audited(admin, practice, as_user):
    response = as_user(admin).patch(PRACTICE, {"time_zone": "America/New_York"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "America/New_York"
    assert stored(practice)["time_zone"] == "America/New_York"
    (event,) = events_of(response)
    assert (event.action, event.object_type, event.outcome) == ("update", "practice", "success")
    assert (event.object_id, event.actor, event.client_id) == (str(practice.pk), admin, None)


def test_an_admin_renames_the_practice(admin, practice, as_user):
    response = as_user(admin).patch(PRACTICE, {"name": "Harbour Therapy"}, format="json")

    assert response.status_code == 200, response.content
    assert stored(practice)["name"] == "Harbour Therapy"
    assert stored(practice)["time_zone"] == "UTC"


@pytest.mark.parametrize(
    ("field", "lowest", "highest"),
    [("note_signing_hours", 1, 720), ("reassessment_days", 7, 365)],
)
def test_an_admin_sets_the_work_queues_thresholds_within_bounds(
    field, lowest, highest, admin, practice, as_user
):
    api = as_user(admin)
    default = getattr(practice, field)

    for refused in (lowest - 1, highest + 1):
        assert_problem(api.patch(PRACTICE, {field: refused}, format="json"), 400, field)
        practice.refresh_from_db()
        assert getattr(practice, field) == default
    for accepted in (lowest, highest):
        response = api.patch(PRACTICE, {field: accepted}, format="json")
        assert response.status_code == 200, response.content
        practice.refresh_from_db()
        assert getattr(practice, field) == response.json()[field] == accepted


@pytest.mark.parametrize("role", ["clinician", "supervisor"])
def test_only_admins_change_it(role, request, practice, as_user):
    before = stored(practice)

    response = as_user(request.getfixturevalue(role)).patch(
        PRACTICE, {"time_zone": "Europe/London"}, format="json"
    )

    assert_problem(response, 403)
    assert stored(practice) == before
    (event,) = events_of(response)
    assert (event.object_type, event.outcome) == ("practice", "denied")


def test_an_admin_changes_only_their_own_practice(stranger, practice, other_practice, as_user):
    before = stored(practice)

    response = as_user(stranger).patch(PRACTICE, {"time_zone": "Asia/Tokyo"}, format="json")

    assert response.status_code == 200, response.content
    assert stored(other_practice)["time_zone"] == "Asia/Tokyo"
    assert stored(practice) == before


@pytest.mark.parametrize(
    "time_zone", ["Mars/Olympus_Mons", "europe/london", "localtime", "", " ", "UTC+2", 5, None]
)
def test_an_unknown_time_zone_is_refused_and_nothing_changes(time_zone, admin, practice, as_user):
    before = stored(practice)

    response = as_user(admin).patch(PRACTICE, {"time_zone": time_zone}, format="json")

    body = assert_problem(response, 400, "time_zone")
    assert [error["field"] for error in body["errors"]] == ["time_zone"]
    assert stored(practice) == before
    (event,) = events_of(response)
    assert event.outcome == "failed"


def test_the_refusal_says_what_a_time_zone_looks_like(admin, as_user):
    response = as_user(admin).patch(PRACTICE, {"time_zone": "Mars/Olympus_Mons"}, format="json")

    (error,) = assert_problem(response, 400, "time_zone")["errors"]
    assert "Mars/Olympus_Mons" in error["message"]
    assert "Europe/London" in error["message"]


def test_a_stale_etag_is_refused(admin, practice, as_user):
    api = as_user(admin)
    etag = api.get(PRACTICE)["ETag"]
    assert api.patch(
        PRACTICE, {"name": "First"}, format="json", HTTP_IF_MATCH=etag
    ).status_code == (200)
    before = stored(practice)

    response = api.patch(PRACTICE, {"time_zone": "Europe/Paris"}, format="json", HTTP_IF_MATCH=etag)

    assert_problem(response, 412)
    assert stored(practice) == before


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_a_practice_is_only_read_and_patched(method, admin, practice, as_user):
    before = stored(practice)
    response = getattr(as_user(admin), method)(
        PRACTICE, {"time_zone": "Europe/Paris"}, format="json"
    )
    assert_problem(response, 405)
    assert stored(practice) == before


# --- Creating a practice -----------------------------------------------------------------------


def create(**options) -> None:
    call_command(
        "create_practice",
        name="Harbour Therapy",
        admin_email="owner@harbour.example",
        admin_password="a-long-enough-passphrase",
        **options,
    )


def test_create_practice_takes_a_time_zone():
    create(time_zone="America/New_York")
    assert Practice.objects.get().time_zone == "America/New_York"


def test_create_practice_defaults_to_the_setting(settings):
    settings.PRACTICE_TIME_ZONE = "Europe/London"
    create()
    assert Practice.objects.get().time_zone == "Europe/London"


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "localtime", ""])
def test_create_practice_refuses_an_unknown_time_zone_and_stores_nothing(time_zone):
    with pytest.raises(CommandError, match="time_zone: Unknown time zone"):
        create(time_zone=time_zone)
    assert not Practice.objects.exists()
    assert not User.objects.exists()


def test_the_known_names_are_the_tz_databases():
    names = time_zone_names()
    assert {"UTC", "Europe/London", "America/New_York", "Pacific/Auckland"} <= names
    assert "localtime" not in names
    assert len(names) > 400


def test_the_server_refuses_to_start_with_an_unknown_default_time_zone():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "api.settings_test",
            "PRACTICE_TIME_ZONE": "Mars/Olympus_Mons",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "PRACTICE_TIME_ZONE must be an IANA time zone name" in result.stderr
