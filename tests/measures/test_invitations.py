"""Invitations sent now: one message after the write commits, to the client's address, that
names the practice and carries the link and nothing else (no name, no instrument, no score);
revoking closes the link; expiry follows the practice's default unless given."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from api.auth.models import Practice
from api.secret_tokens import digest
from assessments.instruments import INSTRUMENTS
from assessments.measures import sms, tasks
from assessments.measures.models import MeasureInvitation
from clients.models import Client
from tests.factories import MeasureInvitationFactory
from tests.helpers import assert_problem
from tests.measures.conftest import (
    CLIENT_EMAIL,
    CLIENT_PHONE,
    INVITATIONS,
    invitation_url,
    link_token,
    questionnaire_url,
)

pytestmark = pytest.mark.django_db

NOW = "2026-03-03T10:00:00Z"


@pytest.fixture
def send_now(as_user, clinician, measured_client, django_capture_on_commit_callbacks):
    """`send_now(**fields)`: POST an invitation for `measured_client` as their clinician, its
    tasks run on commit; returns the response and the emails the commit sent."""

    def post(**fields):
        body = {"client": str(measured_client.pk), "instruments": ["phq9", "gad7"], **fields}
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = as_user(clinician).post(INVITATIONS, body, format="json")
        return response, callbacks

    return post


def assert_reveals_nothing_clinical(text: str, client) -> None:
    text = text.replace(link_token(text), "[link]")  # random: it could spell anything
    for word in (client.given_name, client.family_name, "score"):
        assert word.lower() not in text.lower()
    for instrument in INSTRUMENTS.values():
        assert instrument.name.lower() not in text.lower()
        assert instrument.code not in text.lower()


def test_send_now_emails_the_client_once_after_commit(
    send_now, outbox, measured_client, practice, api_client
):
    response, callbacks = send_now()

    assert response.status_code == 201, response.content
    assert len(callbacks) == 1  # nothing was sent before the invitation was committed
    (message,) = outbox
    assert message.to == [CLIENT_EMAIL]
    assert practice.name in message.subject
    assert practice.name in message.body
    assert_reveals_nothing_clinical(message.subject + message.body, measured_client)
    token = link_token(message.body)
    invitation = MeasureInvitation.objects.get(pk=response.json()["id"])
    assert invitation.status == "sent"
    assert invitation.sent_at is not None
    assert invitation.token_digest == digest(token)
    assert token not in str(MeasureInvitation.objects.filter(pk=invitation.pk).values().get())
    assert api_client.get(questionnaire_url(token)).status_code == 200


def test_the_response_does_not_carry_the_link(send_now, outbox):
    response, _ = send_now()

    token = link_token(outbox[0].body)
    assert token not in response.content.decode()
    assert "token" not in response.json()


def test_a_delivery_run_twice_sends_once(send_now, outbox, practice):
    response, _ = send_now()

    assert tasks.deliver_invitation.delay(str(practice.pk), response.json()["id"]).get() is False
    assert len(outbox) == 1


def test_sms_goes_to_the_clients_phone(send_now, outbox, measured_client, practice, api_client):
    response, _ = send_now(channel="sms")

    assert response.status_code == 201, response.content
    assert outbox == []
    ((to, body),) = sms.outbox
    assert to == CLIENT_PHONE
    assert practice.name in body
    assert_reveals_nothing_clinical(body, measured_client)
    assert api_client.get(questionnaire_url(link_token(body))).status_code == 200


@freeze_time(NOW)
def test_expiry_is_the_practices_default(send_now, practice):
    Practice.objects.filter(pk=practice.pk).update(measure_expiry_days=3)

    response, _ = send_now()

    expected = timezone.now() + timedelta(days=3)
    assert response.json()["expires_at"] == expected.isoformat().replace("+00:00", "Z")


@freeze_time(NOW)
def test_expiry_given_overrides_the_default(send_now):
    response, _ = send_now(expires_after_days=1)

    assert response.json()["expires_at"] == "2026-03-04T10:00:00Z"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"instruments": ["phq9", "phq9"]}, "instruments"),
        ({"instruments": ["mood"]}, "instruments"),
        ({"instruments": []}, "instruments"),
        ({"channel": "fax"}, "channel"),
        ({"expires_after_days": 0}, "expires_after_days"),
        ({"expires_after_days": 31}, "expires_after_days"),
    ],
)
def test_a_wrong_body_is_400_and_sends_nothing(fields, field, send_now, outbox):
    response, _ = send_now(**fields)

    assert_problem(response, 400)
    assert {error["field"].split(".")[0] for error in response.json()["errors"]} == {field}
    assert not MeasureInvitation.objects.exists()
    assert outbox == []


@pytest.mark.parametrize(("channel", "cleared"), [("email", "email"), ("sms", "phone")])
def test_a_client_without_the_address_is_409_naming_channel(
    channel, cleared, send_now, outbox, measured_client
):
    Client.objects.filter(pk=measured_client.pk).update(**{cleared: ""})

    response, _ = send_now(channel=channel)

    assert_problem(response, 409, "channel")
    assert not MeasureInvitation.objects.exists()
    assert outbox == [] and sms.outbox == []


def test_revoking_closes_the_link(send_now, outbox, clinician, as_user, api_client):
    response, _ = send_now()
    token = link_token(outbox[0].body)

    revoked = as_user(clinician).post(invitation_url(response.json()["id"]) + "revoke/")

    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_by"] == str(clinician.pk)
    assert revoked.json()["revoked_at"] is not None
    assert_problem(api_client.get(questionnaire_url(token)), 404)


@pytest.mark.parametrize("status", ["revoked", "completed", "expired"])
def test_revoking_what_is_no_longer_open_is_409(status, measured_client, clinician, as_user):
    invitation = MeasureInvitationFactory(client=measured_client, status=status)
    before = MeasureInvitation.objects.filter(pk=invitation.pk).values().get()

    response = as_user(clinician).post(invitation_url(invitation) + "revoke/")

    assert assert_problem(response, 409)["errors"][0]["field"] == "status"
    assert MeasureInvitation.objects.filter(pk=invitation.pk).values().get() == before


def test_revoking_a_link_past_its_expiry_is_409(measured_client, clinician, as_user):
    invitation = MeasureInvitationFactory(
        client=measured_client, expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = as_user(clinician).post(invitation_url(invitation) + "revoke/")

    assert_problem(response, 409)


def test_revoking_twice_is_409(measured_client, clinician, as_user):
    invitation = MeasureInvitationFactory(client=measured_client)
    api = as_user(clinician)

    first = api.post(invitation_url(invitation) + "revoke/")
    second = api.post(invitation_url(invitation) + "revoke/")

    assert first.status_code == 200, first.content
    assert_problem(second, 409)


def test_the_list_filters_by_status(measured_client, clinician, as_user):
    sent = MeasureInvitationFactory(client=measured_client)
    MeasureInvitationFactory(client=measured_client, status="completed")

    response = as_user(clinician).get(INVITATIONS, {"status": "sent"})

    assert [row["id"] for row in response.json()["results"]] == [str(sent.pk)]


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_reads_in_a_fixed_number_of_queries(
    count, clinician, as_user, django_assert_num_queries
):
    MeasureInvitationFactory.create_batch(count, client__primary_clinician=clinician)
    api = as_user(clinician)

    with django_assert_num_queries(2):  # the page's rows; the audit events' one insert
        response = api.get(INVITATIONS)

    assert response.status_code == 200
    assert len(response.json()["results"]) == count
