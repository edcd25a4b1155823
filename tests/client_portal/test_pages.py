"""The client's pages of a measure link (/m/<token>/), as a browser without script sees them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from api.audit.models import AuditEvent
from assessments.instruments import INSTRUMENTS
from assessments.measures.throttles import MeasureLinkTokenThrottle
from assessments.models import Assessment, RiskFlag
from tests.client_portal.conftest import (
    GAD7,
    PHQ9_AT_RISK,
    PHQ9_CALM,
    assert_page_headers,
    form_data,
    link,
)
from tests.factories import MeasureInvitationFactory

CLOSED_HEADING = "This link no longer works"
CRISIS_HEADING = "Please read this now"


def body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_the_questionnaire_shows_each_instruments_instructions_items_and_options(
    client, invitation, code
):
    invitation.instruments = [code]
    invitation.save(update_fields=["instruments"])
    instrument = INSTRUMENTS[code]

    response = client.get(link(invitation.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = body(response)
    assert escape(invitation.practice.name) in page
    assert escape(instrument.stem) in page
    for index, item in enumerate(instrument.items):
        assert f"<legend>{item.number}. {escape(item.text)}</legend>" in page
        for option in instrument.options:
            field = f"{code}-{index}"
            assert f'name="{field}" value="{option.value}"' in page
            assert f'<label class="option" for="{field}-{option.value}">' in page
    for option in instrument.options:
        assert escape(option.label) in page
    assert '<button type="submit">' in page
    assert '<html lang="en">' in page


def test_the_questionnaire_names_the_practice_never_the_client(client, invitation):
    invitation.instruments = ["phq9", "gad7"]
    invitation.save(update_fields=["instruments"])
    client_record = invitation.client

    response = client.get(link(invitation.token))

    page = body(response)
    assert page.count("<fieldset") == 9 + 7
    assert f"Questionnaire from {escape(invitation.practice.name)}</title>" in page
    for name in (client_record.given_name, client_record.family_name, client_record.email):
        assert escape(name) not in page
    assert "<script" not in page
    for loads_something in ("<link", "src=", "url(", "@import"):
        assert loads_something not in page


def test_opening_the_questionnaire_is_recorded_and_audited_with_the_invitation_as_actor(
    client, invitation
):
    response = client.get(link(invitation.token))

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    event = AuditEvent.objects.get(actor_invitation_id=invitation.pk)
    assert (event.action, event.status_code, event.method) == ("read", 200, "GET")
    assert event.actor_id is None
    assert event.practice_id == invitation.practice_id
    assert event.client_id == invitation.client_id
    assert event.object_id == str(invitation.pk)
    assert invitation.token not in event.path
    assert event.path == "/m/[token]/"


def test_every_page_carries_the_strict_headers(client, invitation, monkeypatch):
    url = link(invitation.token)
    pages = {
        "questionnaire": client.get(url),
        "unanswered": client.post(url, {}),
        "thank-you": client.post(url, form_data({"phq9": PHQ9_AT_RISK})),
        "closed": client.get(url),
        "unknown": client.get(link("x" * 43)),
        "method": client.put(url),
    }
    rates = {**MeasureLinkTokenThrottle.THROTTLE_RATES, "measure_link_token": "1/hour"}
    monkeypatch.setattr(MeasureLinkTokenThrottle, "THROTTLE_RATES", rates)
    other = MeasureInvitationFactory(client=invitation.client)
    client.get(link(other.token))
    pages["throttled"] = client.get(link(other.token))

    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses == {
        "questionnaire": 200,
        "unanswered": 400,
        "thank-you": 200,
        "closed": 404,
        "unknown": 404,
        "method": 405,
        "throttled": 429,
    }
    for response in pages.values():
        assert_page_headers(response)


def test_answers_are_stored_as_the_clients_own_and_close_the_link(client, invitation):
    invitation.instruments = ["phq9", "gad7"]
    invitation.save(update_fields=["instruments"])

    response = client.post(link(invitation.token), form_data({"phq9": PHQ9_CALM, "gad7": GAD7}))

    assert response.status_code == 200
    page = body(response)
    assert "<h1>Thank you</h1>" in page
    assert CRISIS_HEADING not in page
    assert invitation.client.given_name not in page
    stored = {a.instrument: a for a in Assessment.objects.filter(client=invitation.client)}
    assert set(stored) == {"phq9", "gad7"}
    assert stored["phq9"].responses == PHQ9_CALM
    assert stored["phq9"].total_score == sum(PHQ9_CALM)
    assert stored["gad7"].responses == GAD7
    for assessment in stored.values():
        assert assessment.source == "client_self_report"
        assert assessment.invitation_id == invitation.pk
        assert assessment.recorded_by is None
    invitation.refresh_from_db()
    assert invitation.status == "completed"
    event = AuditEvent.objects.get(actor_invitation_id=invitation.pk, method="POST")
    assert (event.action, event.status_code) == ("create", 200)

    again = client.get(link(invitation.token))

    assert again.status_code == 404
    assert CLOSED_HEADING in body(again)


def test_the_form_posts_as_a_browser_without_a_referrer_sends_it(invitation):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        link(invitation.token), form_data({"phq9": PHQ9_CALM}), HTTP_ORIGIN="null"
    )

    assert response.status_code == 200
    assert "<h1>Thank you</h1>" in body(response)
    assert "Set-Cookie" not in response.headers


def test_missing_answers_show_the_form_again_with_the_choices_kept_and_store_nothing(
    client, invitation
):
    answers = list(PHQ9_CALM)
    answers[2] = None
    answers[8] = None
    data = form_data({"phq9": answers})
    data["phq9-4"] = "7"  # not an option: as good as no answer

    response = client.post(link(invitation.token), data)

    assert response.status_code == 400
    page = body(response)
    assert "<title>Error: Questionnaire from" in page
    assert 'class="error-summary" role="alert"' in page
    for number, index in ((3, 2), (5, 4), (9, 8)):
        assert f'<a href="#phq9-{index}-0">PHQ-9, question {number}: please choose' in page
        assert f'<p class="error" id="phq9-{index}-error">' in page
        assert f'aria-describedby="phq9-{index}-error"' in page
        assert f'name="phq9-{index}" value="0" checked' not in page
    assert page.index("error-summary") < page.index("<form")
    assert page.count("please choose an answer") == 3
    for index in (0, 1, 3, 5, 6, 7):
        assert f'name="phq9-{index}" value="{PHQ9_CALM[index]}" checked>' in page
    assert page.count(" checked>") == 6
    assert not Assessment.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    (attempt,) = AuditEvent.objects.filter(status_code=400)
    assert (attempt.action, attempt.actor_invitation_id) == ("create", invitation.pk)

    completed = client.post(link(invitation.token), form_data({"phq9": PHQ9_CALM}))

    assert completed.status_code == 200


@pytest.mark.parametrize(
    ("own_text", "answers", "shown"),
    [
        ("", PHQ9_AT_RISK, "default"),
        ("Call the Northside crisis team on 0800 000 111, day or night.", PHQ9_AT_RISK, "own"),
        ("Call the Northside crisis team on 0800 000 111, day or night.", PHQ9_CALM, None),
        ("", PHQ9_CALM, None),
    ],
)
def test_the_crisis_text_is_shown_first_when_item_9_says_the_client_may_be_at_risk(
    client, invitation, own_text, answers, shown
):
    practice = invitation.practice
    practice.crisis_text = own_text
    practice.save(update_fields=["crisis_text"])

    response = client.post(link(invitation.token), form_data({"phq9": answers}))

    assert response.status_code == 200
    page = body(response)
    message = escape(practice.crisis_message)
    if shown is None:
        assert CRISIS_HEADING not in page
        assert message not in page
        assert not RiskFlag.objects.exists()
        return
    assert RiskFlag.objects.filter(client=invitation.client).count() == 1
    assert message in page
    if shown == "default":
        assert "988" in page
    main = page[page.index("<main>") :]
    assert main.index(CRISIS_HEADING) < main.index(message) < main.index("Thank you")
    assert '<section class="crisis" role="alert" aria-labelledby="crisis-title">' in main
    assert f'<h1 id="crisis-title">{CRISIS_HEADING}</h1>' in main
    assert "<title>Please read this now: Thank you" in page


def _closed(invitation, how: str):
    now = timezone.now()
    if how == "expired_by_time":
        invitation.expires_at = now - timedelta(minutes=1)
    elif how == "expired":
        invitation.status = "expired"
    elif how == "revoked":
        invitation.status = "revoked"
        invitation.revoked_at = now
    elif how == "used_long_ago":
        invitation.status = "completed"
        invitation.completed_at = now - timedelta(hours=2)
    invitation.save()
    return invitation.token


CLOSED_KINDS = ["expired_by_time", "expired", "revoked", "used_long_ago"]


@pytest.mark.parametrize("how", CLOSED_KINDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_dead_link_gets_the_one_answer_an_unknown_link_gets(client, invitation, how, method):
    unknown = getattr(client, method)(link("A" * 43))
    malformed = getattr(client, method)(link("not-a-token"))
    token = _closed(invitation, how)

    response = getattr(client, method)(link(token), form_data({"phq9": PHQ9_CALM}))

    assert unknown.status_code == malformed.status_code == response.status_code == 404
    assert response.content == unknown.content == malformed.content
    assert CLOSED_HEADING in body(response)
    assert "contact your clinician" in body(response)
    assert escape(invitation.practice.name) not in body(response)
    assert not Assessment.objects.exists()
    audited = AuditEvent.objects.get(actor_invitation_id=invitation.pk)
    assert (audited.status_code, audited.practice_id) == (404, invitation.practice_id)
    nobodys = AuditEvent.objects.filter(actor_invitation_id=None, practice=None, status_code=404)
    assert nobodys.count() == 2  # the unknown link and the malformed one


def test_unanswered_questions_on_a_dead_link_get_the_dead_links_answer(client, invitation):
    _closed(invitation, "revoked")

    response = client.post(link(invitation.token), {"phq9-0": "1"})

    assert response.status_code == 404
    assert CLOSED_HEADING in body(response)
    assert "<form" not in body(response)


def test_a_link_tried_too_often_is_refused_calmly_until_its_time_comes(client, invitation):
    rate = int(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["measure_link_token"].split("/")[0]
    )
    for _ in range(rate):
        assert client.get(link(invitation.token)).status_code == 200

    response = client.get(link(invitation.token))

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Please wait a little" in body(response)
    assert "<form" not in body(response)
    assert AuditEvent.objects.filter(actor_invitation_id=invitation.pk).count() == rate
    refused = client.post(link(invitation.token), form_data({"phq9": PHQ9_CALM}))
    assert refused.status_code == 429
    assert not Assessment.objects.exists()


def test_a_double_submission_gets_the_same_thank_you_and_is_stored_once(client, invitation):
    url = link(invitation.token)
    data = form_data({"phq9": PHQ9_AT_RISK})

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert escape(invitation.practice.crisis_message) in body(second)
    assert Assessment.objects.filter(invitation=invitation).count() == 1
    assert RiskFlag.objects.filter(client=invitation.client).count() == 1
    different = dict(data, **{"phq9-0": "3"})
    assert client.post(url, different).status_code == 404
