"""The audit trail of signing in: each success, wrong password, unknown email, lock-out and
throttled attempt leaves one event, never the password, and shows in the admin's trail."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from api.audit.models import AuditEvent
from api.throttles import lockout
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import AGENT, EVENTS, event_ids, new_events, only_new_event
from tests.helpers import TOKEN_URL, assert_problem, login

pytestmark = pytest.mark.django_db


SIGN_IN = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": AGENT}


def sign_in_event(before: set) -> AuditEvent:
    event = only_new_event(before)
    assert (event.object_type, event.method, event.path) == ("user", "POST", TOKEN_URL)
    assert (event.ip, event.user_agent) == ("203.0.113.9", AGENT)
    assert TEST_PASSWORD not in str(AuditEvent.objects.filter(pk=event.pk).values().get())
    return event


def test_a_successful_sign_in_is_audited_as_login_by_the_user(clinician):
    before_ids = event_ids()

    response = login(clinician.email, **SIGN_IN, HTTP_X_REQUEST_ID="sign-in-000001")

    assert response.status_code == 200
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login", "success", 200)
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert event.request_id == "sign-in-000001"


def test_a_wrong_password_is_audited_as_login_failed_for_that_account(clinician):
    before_ids = event_ids()

    response = login(clinician.email.upper(), "a-wrong-guess", **SIGN_IN)

    assert_problem(response, 401)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login_failed", "denied", 401)
    assert (event.actor, event.practice) == (clinician, clinician.practice)
    assert "a-wrong-guess" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_an_unknown_email_is_audited_as_login_failed_without_an_actor(clinician):
    before_ids = event_ids()

    response = login("nobody-here@example.test", **SIGN_IN)

    assert_problem(response, 401)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.actor, event.practice) == (
        "login_failed",
        "denied",
        None,
        None,
    )
    assert "nobody-here" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_a_sign_in_without_a_password_is_audited_as_failed(clinician):
    before_ids = event_ids()

    response = APIClient().post(TOKEN_URL, {"email": clinician.email}, format="json", **SIGN_IN)

    assert_problem(response, 400, "password")
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code, event.actor) == (
        "login_failed",
        "failed",
        400,
        clinician,
    )


def test_every_attempt_on_a_locked_account_is_audited_including_the_429(clinician):
    before_ids = event_ids()
    for _ in range(lockout.ACCOUNT_LIMIT):
        assert login(clinician.email, "a-guess", **SIGN_IN).status_code == 401

    locked = login(clinician.email, **SIGN_IN)

    assert_problem(locked, 429)
    events = new_events(before_ids)
    assert [(e.action, e.status_code, e.outcome) for e in events] == [
        *[("login_failed", 401, "denied")] * lockout.ACCOUNT_LIMIT,
        ("login_failed", 429, "denied"),
    ]
    assert {event.actor for event in events} == {clinician}
    assert {event.ip for event in events} == {"203.0.113.9"}


def test_a_sign_in_refused_by_the_rate_throttle_is_audited_for_the_account_tried(clinician):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    for _ in range(rate):
        assert login(clinician.email, **SIGN_IN).status_code == 200
    before_ids = event_ids()

    response = login(clinician.email, **SIGN_IN)

    assert_problem(response, 429)
    event = sign_in_event(before_ids)
    assert (event.action, event.outcome, event.status_code) == ("login_failed", "denied", 429)
    assert event.actor == clinician


def test_sign_in_events_show_in_the_admins_trail(admin, clinician, as_user):
    login(clinician.email, "a-guess", **SIGN_IN)
    login(clinician.email, **SIGN_IN)

    rows = as_user(admin).get(EVENTS, {"actor": str(clinician.pk)}).json()["results"]

    assert [(row["action"], row["outcome"]) for row in rows] == [
        ("login", "success"),
        ("login_failed", "denied"),
    ]
