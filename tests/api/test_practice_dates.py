"""Dates are the practice's local dates: the day a session took place in progress, and "today"
wherever a date defaults to it or may not pass it, follow the practice's time zone, not UTC."""

import datetime
from datetime import UTC

import pytest
from django.utils import timezone

from api.auth.models import Practice
from api.timezones import local_date, practice_today
from assessments.models import Assessment
from clients.models import Client
from tests.factories import ClientFactory
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

d = datetime.date
SESSIONS = "/api/v1/sessions/"
ASSESSMENTS = "/api/v1/assessments/"
CLIENTS = "/api/v1/clients/"
HOMEWORK = "/api/v1/homework/"

# 00:30 on 2 March 2026 in Auckland (UTC+13 in summer), while it is still 1 March in UTC.
AUCKLAND_JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
AUCKLAND_TODAY = d(2026, 3, 2)
UTC_TODAY = d(2026, 3, 1)


def in_time_zone(practice: Practice, name: str) -> Practice:
    practice.time_zone = name
    practice.save(update_fields=["time_zone"])
    return practice


@pytest.fixture
def now_is(monkeypatch):
    """`now_is(moment)`: the clock reads `moment` from then on."""

    def freeze(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def auckland(practice, now_is):
    """The practice is in Auckland, just after midnight there."""
    now_is(AUCKLAND_JUST_AFTER_MIDNIGHT)
    return in_time_zone(practice, "Pacific/Auckland")


@pytest.fixture
def patient(clinician):
    """A client of `clinician` taken on well before the frozen clock's today."""
    return ClientFactory(primary_clinician=clinician, intake_date=d(2026, 1, 5))


# --- The helper --------------------------------------------------------------------------------


def test_local_date_is_the_date_on_the_practices_calendar(practice):
    moment = datetime.datetime.fromisoformat("2026-05-11T23:30:00-04:00")
    assert local_date(moment, in_time_zone(practice, "America/New_York")) == d(2026, 5, 11)
    assert local_date(moment, in_time_zone(practice, "UTC")) == d(2026, 5, 12)
    assert local_date(None, practice) is None


def test_practice_today_follows_the_practice(practice):
    now = AUCKLAND_JUST_AFTER_MIDNIGHT
    assert practice_today(in_time_zone(practice, "Pacific/Auckland"), now) == AUCKLAND_TODAY
    assert practice_today(in_time_zone(practice, "UTC"), now) == UTC_TODAY
    assert practice_today(in_time_zone(practice, "America/Los_Angeles"), now) == d(2026, 3, 1)


# --- Progress: the day a session took place ----------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day"),
    [("America/New_York", "2026-05-11"), ("UTC", "2026-05-12"), ("Asia/Tokyo", "2026-05-12")],
)
def test_progress_dates_a_session_by_the_practices_calendar(
    zone, day, practice, clinician, client_record, as_user
):
    in_time_zone(practice, zone)
    api = as_user(clinician)
    created = api.post(
        SESSIONS,
        {
            "client": str(client_record.pk),
            "starts_at": "2026-05-11T23:30:00-04:00",
            "duration_minutes": 50,
            "modality": "video",
            "kind": "individual",
            "status": "completed",
            "roots_addressed": ["perfectionism"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content

    progress = api.get(f"{CLIENTS}{client_record.pk}/progress/").json()

    (root,) = [row for row in progress["roots"] if row["root"] == "perfectionism"]
    assert (root["sessions_addressed"], root["first_addressed"], root["last_addressed"]) == (
        1,
        day,
        day,
    )
    assert progress["sessions"] == {"total": 1, "completed": 1, "first": day, "last": day}


# --- "Today": assessments ----------------------------------------------------------------------


def administration(client, on: datetime.date) -> dict:
    return {
        "client": str(client.pk),
        "instrument": "gad7",
        "administered_on": on.isoformat(),
        "responses": [1] * 7,
    }


def test_an_administration_on_the_local_today_is_accepted_while_utc_is_still_yesterday(
    auckland, clinician, patient, as_user
):
    response = as_user(clinician).post(
        ASSESSMENTS, administration(patient, AUCKLAND_TODAY), format="json"
    )

    assert response.status_code == 201, response.content
    assert Assessment.objects.get().administered_on == AUCKLAND_TODAY


def test_an_administration_on_the_local_tomorrow_is_refused(auckland, clinician, patient, as_user):
    response = as_user(clinician).post(
        ASSESSMENTS, administration(patient, d(2026, 3, 3)), format="json"
    )

    body = assert_problem(response, 400, "administered_on")
    assert "future" in body["errors"][0]["message"]
    assert not Assessment.objects.exists()


def test_in_utc_the_same_date_is_still_tomorrow(practice, now_is, clinician, patient, as_user):
    now_is(AUCKLAND_JUST_AFTER_MIDNIGHT)  # the practice stays in UTC
    response = as_user(clinician).post(
        ASSESSMENTS, administration(patient, AUCKLAND_TODAY), format="json"
    )

    assert_problem(response, 400, "administered_on")
    assert not Assessment.objects.exists()


# --- "Today": clients --------------------------------------------------------------------------


def test_a_new_client_is_taken_on_today_in_the_practices_calendar(auckland, clinician, as_user):
    response = as_user(clinician).post(
        CLIENTS, {"given_name": "Ada", "family_name": "Byron"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["intake_date"] == AUCKLAND_TODAY.isoformat()


def test_discharge_is_dated_the_practices_today(auckland, clinician, patient, as_user):
    response = as_user(clinician).patch(
        f"{CLIENTS}{patient.pk}/", {"status": "discharged"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["discharged_on"] == AUCKLAND_TODAY.isoformat()
    assert Client.objects.get(pk=patient.pk).discharged_on == AUCKLAND_TODAY


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("discharged_on", {"status": "discharged"}),
        ("date_of_birth", {"intake_date": AUCKLAND_TODAY.isoformat()}),  # a newborn
    ],
)
def test_client_dates_may_be_the_local_today_but_not_tomorrow(
    field, extra, auckland, clinician, patient, as_user
):
    api = as_user(clinician)
    url = f"{CLIENTS}{patient.pk}/"

    before = Client.objects.get(pk=patient.pk)

    refused = api.patch(url, {field: "2026-03-03", **extra}, format="json")
    (error,) = assert_problem(refused, 400, field)["errors"]
    assert "future" in error["message"]
    after = Client.objects.get(pk=patient.pk)
    assert (after.status, after.intake_date, after.updated_at) == (
        before.status,
        before.intake_date,
        before.updated_at,
    )

    accepted = api.patch(url, {field: AUCKLAND_TODAY.isoformat(), **extra}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()[field] == AUCKLAND_TODAY.isoformat()


# --- "Today": homework -------------------------------------------------------------------------


def assign(api, client, **fields):
    body = {"client": str(client.pk), "strategy": "self_reflection", "title": "Thought record"}
    response = api.post(HOMEWORK, {**body, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_homework_is_assigned_and_completed_on_the_practices_today(
    auckland, clinician, patient, as_user
):
    api = as_user(clinician)
    homework = assign(api, patient)
    assert homework["assigned_on"] == AUCKLAND_TODAY.isoformat()

    completed = api.post(f"{HOMEWORK}{homework['id']}/complete/", {}, format="json")

    assert completed.status_code == 200, completed.content
    assert completed.json()["completed_on"] == AUCKLAND_TODAY.isoformat()


def test_homework_cannot_be_completed_on_the_local_tomorrow(auckland, clinician, patient, as_user):
    api = as_user(clinician)
    homework = assign(api, patient)

    response = api.post(
        f"{HOMEWORK}{homework['id']}/complete/", {"completed_on": "2026-03-03"}, format="json"
    )

    assert_problem(response, 400, "completed_on")
    assert api.get(f"{HOMEWORK}{homework['id']}/").json()["status"] == "assigned"


@pytest.mark.parametrize(("zone", "overdue"), [("Pacific/Auckland", True), ("UTC", False)])
def test_homework_due_yesterday_in_the_practices_calendar_is_overdue(
    zone, overdue, practice, now_is, clinician, patient, as_user
):
    now_is(AUCKLAND_JUST_AFTER_MIDNIGHT)
    in_time_zone(practice, zone)
    api = as_user(clinician)
    due_on_utc_today = assign(api, patient, assigned_on="2026-02-23", due_on=UTC_TODAY.isoformat())

    listed = api.get(HOMEWORK, {"overdue": "true"}).json()["results"]

    assert ([row["id"] for row in listed] == [due_on_utc_today["id"]]) is overdue
