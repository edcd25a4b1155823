"""What the tick does after sending: one reminder with a new link (the old one dead), expiry
of links past their date, and risk alerts from a client's own answers, sent again once to the
supervisor when nobody acknowledged them in the practice's hours."""

from datetime import date, datetime

import pytest
from django.conf import settings
from freezegun import freeze_time

from api.auth.models import Practice, User
from assessments.instruments import INSTRUMENTS
from assessments.measures.messages import ALERT_SUBJECT
from assessments.measures.models import MeasureInvitation
from assessments.models import RiskFlag
from tests.factories import MeasureInvitationFactory, MeasureScheduleFactory
from tests.helpers import assert_problem
from tests.measures.conftest import CALM_PHQ9, RISKY_PHQ9, link_token, questionnaire_url

pytestmark = pytest.mark.django_db

DUE = "2026-03-02T09:00:00Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def reminding(measured_client, tick):
    """A weekly schedule with a reminder after 2 days, its first invitation sent on 2 March."""
    MeasureScheduleFactory(
        client=measured_client,
        starts_on=date(2026, 3, 2),
        interval=1,
        interval_unit="weeks",
        reminder_after_days=2,
        next_due_at=at(DUE),
    )
    tick(now="2026-03-02T09:00:30Z")
    return MeasureInvitation.objects.get()


def test_a_reminder_carries_a_new_link_and_the_old_one_dies(reminding, tick, outbox, api_client):
    first_link = link_token(outbox[0].body)
    assert reminding.remind_at == at("2026-03-04T09:00:30Z")

    with freeze_time("2026-03-04T09:01:00Z"):
        assert tick()["reminded"] == 1
        assert len(outbox) == 2
        second_link = link_token(outbox[1].body)
        assert second_link != first_link
        assert "reminder" in outbox[1].body.lower()
        assert outbox[1].to == outbox[0].to
        assert_problem(api_client.get(questionnaire_url(first_link)), 404)
        assert api_client.get(questionnaire_url(second_link)).status_code == 200


def test_a_reminder_is_sent_once(reminding, tick, outbox):
    tick(now="2026-03-04T09:01:00Z")

    assert tick(now="2026-03-05T09:01:00Z")["reminded"] == 0
    assert tick(now="2026-03-08T09:01:00Z")["reminded"] == 0
    assert len(outbox) == 2
    assert MeasureInvitation.objects.get().reminded_at == at("2026-03-04T09:01:00Z")


def test_no_reminder_before_its_day(reminding, tick, outbox):
    assert tick(now="2026-03-04T09:00:00Z")["reminded"] == 0
    assert len(outbox) == 1


@pytest.mark.parametrize("status", ["completed", "revoked", "expired"])
def test_no_reminder_for_a_closed_invitation(status, reminding, tick, outbox):
    MeasureInvitation.objects.filter(pk=reminding.pk).update(status=status)

    assert tick(now="2026-03-04T09:01:00Z")["reminded"] == 0
    assert len(outbox) == 1


def test_answering_ends_the_reminder(reminding, tick, outbox, submit):
    with freeze_time("2026-03-03T10:00:00Z"):
        assert submit(link_token(outbox[0].body), {"phq9": CALM_PHQ9}).status_code == 201

    assert tick(now="2026-03-04T09:01:00Z")["reminded"] == 0
    assert len(outbox) == 1


def test_expiry_closes_links_past_their_date(measured_client, tick, api_client):
    ends = MeasureInvitationFactory(client=measured_client, expires_at=at("2026-03-05T12:00:00Z"))
    later = MeasureInvitationFactory(client=measured_client, expires_at=at("2026-03-06T12:00:00Z"))
    done = MeasureInvitationFactory(
        client=measured_client, status="completed", expires_at=at("2026-03-05T12:00:00Z")
    )

    assert tick(now="2026-03-05T12:00:01Z")["expired"] == 1

    statuses = dict(MeasureInvitation.objects.values_list("pk", "status"))
    assert statuses == {ends.pk: "expired", later.pk: "sent", done.pk: "completed"}
    with freeze_time("2026-03-05T12:00:02Z"):
        assert_problem(api_client.get(questionnaire_url(ends.token)), 404)
        assert api_client.get(questionnaire_url(later.token)).status_code == 200


def test_an_expired_pending_invitation_is_never_sent(measured_client, tick, outbox):
    MeasureInvitationFactory(
        client=measured_client, status="pending", sent_at=None, expires_at=at(DUE)
    )

    tick(now="2026-03-02T09:00:01Z")

    assert MeasureInvitation.objects.get().status == "expired"
    assert outbox == []


# --- Risk alerts ---------------------------------------------------------------------------------

ANSWERED = "2026-03-02T10:00:00Z"


@pytest.fixture
def invitation(measured_client):
    with freeze_time("2026-03-01T10:00:00Z"):
        return MeasureInvitationFactory(client=measured_client, instruments=["phq9", "gad7"])


@pytest.fixture
def at_risk(invitation, submit, outbox):
    """The client answered with PHQ-9 item 9 above 0."""
    with freeze_time(ANSWERED):
        response = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": [0] * 7})
    assert response.status_code == 201, response.content
    return RiskFlag.objects.get()


def assert_no_phi(message, client) -> None:
    text = message.subject + message.body
    for word in (client.given_name, client.family_name, "phq", "item", "score", "9"):
        assert word.lower() not in text.lower().replace(settings.ROOTWISE_SIGN_IN_URL, "")
    for instrument in INSTRUMENTS.values():
        assert instrument.name.lower() not in text.lower()


def test_a_risky_answer_alerts_the_clinician_and_supervisor_at_once(
    at_risk, outbox, clinician, supervisor, measured_client
):
    (alert,) = outbox
    assert sorted(alert.to) == sorted([clinician.email, supervisor.email])
    assert alert.subject == ALERT_SUBJECT == "A client's measure needs your attention"
    assert settings.ROOTWISE_SIGN_IN_URL in alert.body
    assert_no_phi(alert, measured_client)
    assert at_risk.alert_sent_at == at(ANSWERED)
    assert at_risk.alert_escalate_at == at("2026-03-03T10:00:00Z")  # the practice's 24 hours


def test_calm_answers_alert_nobody(invitation, submit, outbox):
    with freeze_time(ANSWERED):
        response = submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": [0] * 7})

    assert response.status_code == 201, response.content

    assert outbox == []
    assert not RiskFlag.objects.exists()


def test_unacknowledged_the_alert_is_sent_again_once(
    at_risk, tick, outbox, clinician, supervisor, measured_client
):
    assert tick(now="2026-03-03T09:59:59Z")["escalated"] == 0

    assert tick(now="2026-03-03T10:00:01Z")["escalated"] == 1
    assert tick(now="2026-03-04T10:00:01Z")["escalated"] == 0

    assert len(outbox) == 2
    again = outbox[1]
    assert sorted(again.to) == sorted([clinician.email, supervisor.email])
    assert again.subject.startswith(ALERT_SUBJECT)
    assert again.subject != outbox[0].subject
    assert_no_phi(again, measured_client)
    flag = RiskFlag.objects.get()
    assert (flag.alert_escalated_at, flag.alert_escalate_at) == (at("2026-03-03T10:00:01Z"), None)


def test_the_practices_hours_decide_when(at_risk, tick, outbox, practice):
    """The hours are read when the alert is sent: 24 here, whatever the practice says later."""
    Practice.objects.filter(pk=practice.pk).update(risk_alert_escalation_hours=2)

    assert tick(now="2026-03-02T12:00:01Z")["escalated"] == 0
    assert len(outbox) == 1


def test_a_practice_with_shorter_hours_escalates_sooner(invitation, submit, tick, outbox, practice):
    Practice.objects.filter(pk=practice.pk).update(risk_alert_escalation_hours=2)
    with freeze_time(ANSWERED):
        submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": [0] * 7})

    assert tick(now="2026-03-02T12:00:01Z")["escalated"] == 1
    assert len(outbox) == 2


def test_acknowledged_it_is_not_sent_again(at_risk, tick, outbox, clinician, as_user):
    with freeze_time("2026-03-02T15:00:00Z"):
        acknowledged = as_user(clinician).post(
            f"/api/v1/risk-flags/{at_risk.pk}/acknowledge/", {"note": "Called them."}, format="json"
        )
    assert acknowledged.status_code == 200, acknowledged.content

    assert tick(now="2026-03-03T10:00:01Z")["escalated"] == 0
    assert len(outbox) == 1


def test_without_a_supervisor_the_escalation_goes_to_the_practices_supervisors(
    invitation, submit, tick, outbox, clinician, other_supervisor, supervisor
):
    User.objects.filter(pk=clinician.pk).update(supervisor=None)
    with freeze_time(ANSWERED):
        submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": [0] * 7})
    assert outbox[0].to == [clinician.email]

    tick(now="2026-03-03T10:00:01Z")

    assert sorted(outbox[1].to) == sorted(
        [clinician.email, supervisor.email, other_supervisor.email]
    )


def test_a_deactivated_supervisor_is_not_emailed(invitation, submit, outbox, clinician, supervisor):
    User.objects.filter(pk=supervisor.pk).update(is_active=False)

    with freeze_time(ANSWERED):
        submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": [0] * 7})

    assert outbox[0].to == [clinician.email]
