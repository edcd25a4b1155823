"""Fixtures for the measures tests: the endpoints, a client who can be reached by email and by
text, request bodies for each kind of schedule, the outboxes, and ticks run as the scheduler
runs them (tasks in-process, sent on commit)."""

import contextlib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from api.celery import app
from assessments.measures import sms, tasks
from tests.factories import ClientFactory

SCHEDULES = "/api/v1/measure-schedules/"
INVITATIONS = "/api/v1/measure-invitations/"
PORTAL = "/api/v1/client-portal/invitations/"
ASSESSMENTS = "/api/v1/assessments/"

CLIENT_EMAIL = "river.client@example.test"
CLIENT_PHONE = "+44 7700 900123"
# A PHQ-9 whose item 9 is 0 (no risk flag), and one whose item 9 is above 0.
CALM_PHQ9 = [1, 1, 0, 2, 1, 0, 1, 1, 0]
RISKY_PHQ9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]
GAD7 = [1, 0, 2, 1, 0, 1, 0]


def schedule_url(schedule) -> str:
    return f"{SCHEDULES}{schedule.pk if hasattr(schedule, 'pk') else schedule}/"


def invitation_url(invitation) -> str:
    return f"{INVITATIONS}{invitation.pk if hasattr(invitation, 'pk') else invitation}/"


def questionnaire_url(token: str) -> str:
    return f"{PORTAL}{token}/"


def answers_url(token: str) -> str:
    return f"{PORTAL}{token}/answers/"


def link_token(text: str) -> str:
    """The token of the one measure link in a message's text."""
    (token,) = [word.split("/m/")[1].rstrip("/") for word in text.split() if "/m/" in word]
    return token


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    """Tasks run in-process whatever the environment's REDIS_URL, as without one; the text
    messages' outbox starts empty."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def measured_client(clinician):
    """`client_record`'s twin with an email address and a phone number."""
    return ClientFactory(
        primary_clinician=clinician,
        email=CLIENT_EMAIL,
        phone=CLIENT_PHONE,
        given_name="Rowan",
        family_name="Quill",
    )


@pytest.fixture
def schedule_body(measured_client):
    """`schedule_body(**overrides)`: a valid body for a weekly PHQ-9 from tomorrow; a value of
    `...` leaves the field out."""

    def build(**overrides) -> dict:
        body = {
            "client": str(measured_client.pk),
            "instruments": ["phq9"],
            "kind": "every",
            "starts_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "interval": 1,
            "interval_unit": "weeks",
            **overrides,
        }
        return {name: value for name, value in body.items() if value is not ...}

    return build


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """`tick(now=None)`: one run of the periodic task at `now` (default: the real now), with
    the tasks it sends run once its transaction commits; returns the tick's counts."""

    def run(now=None):
        clock = freeze_time(now) if now else contextlib.nullcontext()
        # The clock outermost: the tasks sent on commit run at the tick's moment too.
        with clock, django_capture_on_commit_callbacks(execute=True):
            return tasks.tick.delay().get()

    return run


@pytest.fixture
def outbox():
    """The emails sent so far (Django's locmem outbox)."""
    return mail.outbox


@pytest.fixture
def submit(api_client, django_capture_on_commit_callbacks):
    """`submit(token, answers)`: POST a client's answers from a link, the tasks it sends (risk
    alerts) run once it commits; returns the response."""

    def post(token: str, answers: dict, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(answers_url(token), {"answers": answers}, format="json", **extra)

    return post
