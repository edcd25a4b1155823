"""A measure link from the attacker's side: unknown, used, expired and revoked links are one
and the same 404; links are rate-limited per link and per address; every open and submit is
audited with the invitation as the actor and no token anywhere in the trail or the logs; and
nobody signed in can pass an answer off as the client's own."""

import io
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from api.audit.models import AuditEvent
from api.secret_tokens import new_token
from assessments.measures.throttles import MeasureLinkAddressThrottle, MeasureLinkTokenThrottle
from assessments.models import Assessment
from tests.factories import MeasureInvitationFactory
from tests.helpers import assert_problem
from tests.measures.conftest import (
    ASSESSMENTS,
    CALM_PHQ9,
    answers_url,
    questionnaire_url,
)

pytestmark = pytest.mark.django_db

ANSWERS = {"phq9": CALM_PHQ9}


@pytest.fixture
def closed_links(measured_client, submit):
    """A token for each way a link is closed."""
    used = MeasureInvitationFactory(client=measured_client)
    assert submit(used.token, ANSWERS).status_code == 201
    expired = MeasureInvitationFactory(
        client=measured_client, expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired_by_the_tick = MeasureInvitationFactory(client=measured_client, status="expired")
    revoked = MeasureInvitationFactory(client=measured_client, status="revoked")
    return {
        "unknown": new_token()[0],
        "not a token": "not-a-token",
        "used": used.token,
        "past its date": expired.token,
        "expired": expired_by_the_tick.token,
        "revoked": revoked.token,
    }


def test_every_closed_link_is_the_same_404(closed_links, api_client, submit):
    before = Assessment.objects.count()
    answers = {"phq9": [0] * 9}
    reads = {name: api_client.get(questionnaire_url(token)) for name, token in closed_links.items()}
    posts = {name: submit(token, answers) for name, token in closed_links.items()}

    for responses in (reads, posts):
        bodies = {name: assert_problem(response, 404) for name, response in responses.items()}
        assert len({str(body) for body in bodies.values()}) == 1, bodies
        assert bodies["used"]["errors"] == []
    assert reads["used"].json() == posts["used"].json()
    assert Assessment.objects.count() == before


def test_a_closed_links_404_reveals_nothing_of_its_invitation(closed_links, api_client, practice):
    response = api_client.get(questionnaire_url(closed_links["revoked"]))

    assert practice.name not in response.content.decode()


@pytest.fixture
def link_rates(monkeypatch):
    """`link_rates(address=..., per_link=...)`: the links' rate limits for this test."""

    def override(*, address="1000/hour", per_link="1000/hour"):
        rates = {"measure_link_address": address, "measure_link_token": per_link}
        for throttle in (MeasureLinkAddressThrottle, MeasureLinkTokenThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)

    return override


def test_one_link_tried_too_often_is_429(link_rates, measured_client, api_client, submit):
    link_rates(per_link="3/hour")
    hammered = MeasureInvitationFactory(client=measured_client)
    other = MeasureInvitationFactory(client=measured_client)
    for _ in range(3):
        assert api_client.get(questionnaire_url(hammered.token)).status_code == 200

    refused = submit(hammered.token, ANSWERS)

    problem = assert_problem(refused, 429)
    assert problem["type"] == "urn:rootwise:problem:throttled"
    assert int(refused["Retry-After"]) > 0
    assert not Assessment.objects.exists()
    assert api_client.get(questionnaire_url(other.token)).status_code == 200


def test_one_address_trying_links_is_429(link_rates, measured_client, api_client):
    link_rates(address="3/hour")
    real = MeasureInvitationFactory(client=measured_client)
    for _ in range(3):
        assert_problem(api_client.get(questionnaire_url(new_token()[0])), 404)

    assert_problem(api_client.get(questionnaire_url(real.token)), 429)
    elsewhere = api_client.get(questionnaire_url(real.token), REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 200


def events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("at", "id"))


def test_opening_and_submitting_are_audited_with_the_invitation_as_actor(
    measured_client, api_client, submit
):
    invitation = MeasureInvitationFactory(client=measured_client)

    api_client.get(questionnaire_url(invitation.token))
    submit(invitation.token, ANSWERS)

    opened, submitted = events()
    for event in (opened, submitted):
        assert event.actor_id is None
        assert event.actor_invitation_id == invitation.pk
        assert event.practice_id == invitation.practice_id
        assert event.client_id == measured_client.pk
        assert (event.object_type, event.object_id) == ("measure_invitation", str(invitation.pk))
        assert invitation.token not in event.path
        assert "[token]" in event.path
    assert (opened.action, opened.status_code, opened.method) == ("read", 200, "GET")
    assert (submitted.action, submitted.status_code, submitted.method) == ("create", 201, "POST")


def test_refused_answers_are_audited_and_store_nothing(measured_client, api_client, submit):
    invitation = MeasureInvitationFactory(client=measured_client)

    response = submit(invitation.token, {"phq9": [0] * 8})

    assert_problem(response, 400, "phq9")
    (attempt,) = events()
    assert (attempt.action, attempt.status_code, attempt.outcome) == ("create", 400, "failed")
    assert attempt.actor_invitation_id == invitation.pk
    assert not Assessment.objects.exists()


def test_refusals_are_audited_without_the_token(closed_links, api_client, submit):
    for token in closed_links.values():
        api_client.get(questionnaire_url(token))
        submit(token, {"phq9": [0] * 9})

    refused = [event for event in events() if event.status_code == 404]
    assert len(refused) == 2 * len(closed_links)
    assert {event.outcome for event in refused} == {"denied"}
    for event in events():
        for token in closed_links.values():
            assert token not in event.path


def test_a_link_of_a_known_invitation_refused_names_it_in_the_trail(measured_client, api_client):
    revoked = MeasureInvitationFactory(client=measured_client, status="revoked")

    api_client.get(questionnaire_url(revoked.token))

    (event,) = events()
    assert (event.actor_invitation_id, event.status_code) == (revoked.pk, 404)
    assert event.practice_id == revoked.practice_id


def captured(logger_name: str):
    """What the handlers a logger's records leave through write, for as long as it runs."""
    logger = logging.getLogger(logger_name)
    while not logger.handlers and logger.propagate and logger.parent:
        logger = logger.parent
    # The configured handlers only, not those pytest adds to capture logs.
    handlers = [handler for handler in logger.handlers if type(handler) is logging.StreamHandler]
    assert handlers, logger
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, earlier in zip(handlers, previous, strict=True):
        handler.setStream(earlier)


@pytest.fixture
def console_log():
    """What the console handler (which the application's logs leave through) writes."""
    yield from captured("assessments.measures")


def test_the_logs_of_a_link_never_hold_its_token(measured_client, api_client, console_log):
    revoked = MeasureInvitationFactory(client=measured_client, status="revoked")

    api_client.get(questionnaire_url(revoked.token))
    api_client.post(answers_url(revoked.token), {"answers": ANSWERS}, format="json")

    written = console_log.getvalue()
    assert "Not Found: /api/v1/client-portal/invitations/[token]/" in written
    assert "/api/v1/client-portal/invitations/[token]/answers/" in written
    assert revoked.token not in written


def test_a_log_record_with_a_link_in_its_arguments_is_redacted(console_log):
    token = new_token()[0]

    logging.getLogger("assessments.measures").warning("Opened %s", f"/m/{token}/")

    assert token not in console_log.getvalue()
    assert "Opened /m/[token]/" in console_log.getvalue()


def test_the_development_servers_request_lines_hold_no_token():
    token = new_token()[0]

    for written in captured("django.server"):
        logging.getLogger("django.server").info('"%s" %s %s', f"GET /m/{token}/ HTTP/1.1", 404, 0)

        assert f"GET /m/{token}/" not in written.getvalue()
        assert "GET /m/[token]/" in written.getvalue()


def self_report(client) -> dict:
    return {
        "client": str(client.pk),
        "instrument": "phq9",
        "administered_on": timezone.localdate().isoformat(),
        "source": "client_self_report",
        "responses": CALM_PHQ9,
    }


def test_a_clinicians_client_self_report_is_a_400_naming_source(
    measured_client, clinician, as_user
):
    response = as_user(clinician).post(ASSESSMENTS, self_report(measured_client), format="json")

    assert_problem(response, 400, "source")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "path_token",
    ["%C3%A9t%C3%A9", "%C3%A9" * 43, "%ED%A0%80", "a" * 500, "%00"],
    ids=["accents", "accents-token-long", "invalid-utf-8", "long", "nul"],
)
def test_a_path_that_is_no_token_is_the_same_404(path_token, api_client):
    unknown = api_client.get(questionnaire_url(new_token()[0]))

    for response in (
        api_client.get(f"/api/v1/client-portal/invitations/{path_token}/"),
        api_client.post(
            f"/api/v1/client-portal/invitations/{path_token}/answers/",
            {"answers": ANSWERS},
            format="json",
        ),
    ):
        assert assert_problem(response, 404) == unknown.json()


@pytest.mark.parametrize("body", [{}, {"answers": "all fine"}, {"answers": {"phq9": "x"}}])
def test_a_closed_link_with_a_wrong_body_is_the_same_404(body, closed_links, api_client):
    """A wrong body would otherwise tell a dead link that existed (a 400) from one that never
    did (a 404)."""
    unknown = api_client.post(answers_url(closed_links["unknown"]), body, format="json")

    for name, token in closed_links.items():
        response = api_client.post(answers_url(token), body, format="json")

        assert assert_problem(response, 404) == unknown.json(), name
