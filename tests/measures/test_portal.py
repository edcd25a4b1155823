"""The client's side of a measure link, as JSON: the questionnaire (the practice's name and the
instruments, nothing about the client), and the answers, stored as the client's own, scored,
in the clinician's lists and progress, with the practice's crisis text when an answer says the
client may be at risk. A wrong answer is a 400 that stores nothing and leaves the link open;
the same answers sent again soon get the same answer, stored once."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from api.audit.models import AuditEvent
from api.auth.models import DEFAULT_CRISIS_TEXT, Practice
from assessments.instruments import INSTRUMENTS
from assessments.measures.models import MeasureInvitation
from assessments.models import Assessment, RiskFlag
from tests.factories import MeasureInvitationFactory
from tests.helpers import assert_problem, error_fields
from tests.measures.conftest import (
    ASSESSMENTS,
    CALM_PHQ9,
    GAD7,
    RISKY_PHQ9,
    questionnaire_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(measured_client):
    return MeasureInvitationFactory(client=measured_client, instruments=["phq9", "gad7"])


def test_the_questionnaire_names_the_practice_and_the_instruments(
    invitation, api_client, practice, measured_client
):
    response = api_client.get(questionnaire_url(invitation.token))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["practice_name"] == practice.name
    assert [row["code"] for row in body["instruments"]] == ["phq9", "gad7"]
    phq9 = body["instruments"][0]
    assert len(phq9["items"]) == 9
    assert [option["value"] for option in phq9["options"]] == [0, 1, 2, 3]
    assert body["expires_at"]
    text = response.content.decode()
    for secret in (measured_client.given_name, measured_client.family_name, CLIENT_FIELDS):
        assert secret not in text


CLIENT_FIELDS = "client"  # not even the word: no id, no name of the client


def test_opening_is_recorded_once(invitation, api_client):
    with freeze_time("2026-03-02T10:00:00Z"):
        invitation.expires_at = timezone.now() + timedelta(days=1)
        MeasureInvitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.expires_at)
        api_client.get(questionnaire_url(invitation.token))
    with freeze_time("2026-03-02T11:00:00Z"):
        api_client.get(questionnaire_url(invitation.token))

    opened = MeasureInvitation.objects.get(pk=invitation.pk).opened_at
    assert opened.isoformat() == "2026-03-02T10:00:00+00:00"


def test_answers_are_stored_as_the_clients_own(invitation, submit, measured_client):
    response = submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": GAD7})

    assert response.status_code == 201, response.content
    assert response.json()["crisis_text"] is None
    stored = {a.instrument: a for a in Assessment.objects.all()}
    assert sorted(stored) == ["gad7", "phq9"]
    for code, answers in (("phq9", CALM_PHQ9), ("gad7", GAD7)):
        assessment = stored[code]
        assert assessment.client_id == measured_client.pk
        assert assessment.source == "client_self_report"
        assert assessment.invitation_id == invitation.pk
        assert assessment.recorded_by_id is None
        assert assessment.responses == answers
        assert assessment.total_score == sum(answers)
        assert assessment.administered_on == timezone.localdate()
    closed = MeasureInvitation.objects.get(pk=invitation.pk)
    assert closed.status == "completed"
    completed_at = response.json()["completed_at"].replace("Z", "+00:00")
    assert closed.completed_at == datetime.fromisoformat(completed_at)


def test_the_clinician_finds_them_in_the_list_and_progress(
    invitation, submit, clinician, as_user, measured_client
):
    submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": GAD7})
    api = as_user(clinician)

    listed = api.get(ASSESSMENTS, {"client": str(measured_client.pk)}).json()["results"]
    progress = api.get(f"/api/v1/clients/{measured_client.pk}/progress/")

    assert sorted((row["instrument"], row["source"], row["recorded_by"]) for row in listed) == [
        ("gad7", "client_self_report", None),
        ("phq9", "client_self_report", None),
    ]
    assert progress.status_code == 200, progress.content
    codes = {row["instrument"] for row in progress.json()["instruments"]}
    assert {"phq9", "gad7"} <= codes


def test_a_risky_answer_raises_a_flag_and_shows_the_default_crisis_text(invitation, submit):
    response = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": GAD7})

    assert response.status_code == 201, response.content
    assert response.json()["crisis_text"] == DEFAULT_CRISIS_TEXT
    flag = RiskFlag.objects.get()
    assert flag.assessment.instrument == "phq9"
    assert flag.is_open


def test_the_practices_own_crisis_text_is_shown(invitation, submit, practice):
    own = "Call the practice's duty line on 0161 496 0000, or 999 in an emergency."
    Practice.objects.filter(pk=practice.pk).update(crisis_text=own)

    response = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": GAD7})

    assert response.json()["crisis_text"] == own


WRONG = {
    "an instrument missing": ({"phq9": CALM_PHQ9}, "gad7"),
    "an instrument not asked": ({"phq9": CALM_PHQ9, "gad7": GAD7, "rses": [0] * 10}, "rses"),
    "too few answers": ({"phq9": CALM_PHQ9[:8], "gad7": GAD7}, "phq9"),
    "too many answers": ({"phq9": [*CALM_PHQ9, 0], "gad7": GAD7}, "phq9"),
    "an answer out of range": ({"phq9": [4, *CALM_PHQ9[1:]], "gad7": GAD7}, "phq9"),
    "a negative answer": ({"phq9": CALM_PHQ9, "gad7": [-1, *GAD7[1:]]}, "gad7"),
    "a word for a number": ({"phq9": ["often", *CALM_PHQ9[1:]], "gad7": GAD7}, "answers"),
    "a number for a list": ({"phq9": 3, "gad7": GAD7}, "answers"),
    "no answers at all": ({}, "gad7"),
    "a list for the answers": ([1, 2, 3], "answers"),
}


@pytest.mark.parametrize(("answers", "field"), WRONG.values(), ids=WRONG.keys())
def test_wrong_answers_are_400_and_store_nothing(answers, field, invitation, submit, api_client):
    response = submit(invitation.token, answers)

    assert_problem(response, 400)
    assert field in {name.split(".")[0] for name in error_fields(response)} | {
        name.split(".")[1] for name in error_fields(response) if "." in name
    }
    assert not Assessment.objects.exists()
    assert not RiskFlag.objects.exists()
    assert MeasureInvitation.objects.get(pk=invitation.pk).status == "sent"
    assert api_client.get(questionnaire_url(invitation.token)).status_code == 200


def test_an_item_error_names_the_question_as_the_client_counts(invitation, submit):
    response = submit(invitation.token, {"phq9": [0, 0, 7, 0, 0, 0, 0, 0, 0], "gad7": GAD7})

    (error,) = assert_problem(response, 400)["errors"]
    assert error["field"] == "phq9.2"
    assert error["message"].startswith("Question 3:")


def test_no_body_is_400(invitation, api_client):
    response = api_client.post(f"{questionnaire_url(invitation.token)}answers/", {}, format="json")

    assert_problem(response, 400, "answers")
    assert not Assessment.objects.exists()


def test_the_same_answers_again_get_the_same_answer_stored_once(invitation, submit):
    first = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": GAD7})

    again = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": GAD7})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["crisis_text"] == DEFAULT_CRISIS_TEXT
    assert Assessment.objects.count() == 2  # one per instrument, once
    assert RiskFlag.objects.count() == 1
    trail = AuditEvent.objects.order_by("at", "id").values_list("action", "actor_invitation_id")
    assert list(trail) == [("create", invitation.pk), ("replay", invitation.pk)]


def test_other_answers_after_use_are_404(invitation, submit):
    submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": GAD7})

    response = submit(invitation.token, {"phq9": RISKY_PHQ9, "gad7": GAD7})

    assert_problem(response, 404)
    assert sorted(Assessment.objects.values_list("responses", flat=True)) == sorted(
        [CALM_PHQ9, GAD7]
    )
    assert not RiskFlag.objects.exists()


def test_the_same_answers_after_the_window_are_404(invitation, submit):
    with freeze_time("2026-03-02T10:00:00Z"):
        MeasureInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() + timedelta(days=7)
        )
        assert submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": GAD7}).status_code == 201
    with freeze_time("2026-03-02T10:31:00Z"):
        response = submit(invitation.token, {"phq9": CALM_PHQ9, "gad7": GAD7})

    assert_problem(response, 404)


def test_every_instrument_can_be_asked(measured_client, submit, api_client):
    every = list(INSTRUMENTS)
    invitation = MeasureInvitationFactory(client=measured_client, instruments=every)
    questionnaire = api_client.get(questionnaire_url(invitation.token)).json()
    answers = {
        row["code"]: [row["options"][0]["value"]] * len(row["items"])
        for row in questionnaire["instruments"]
    }

    response = submit(invitation.token, answers)

    assert response.status_code == 201, response.content
    assert sorted(Assessment.objects.values_list("instrument", flat=True)) == sorted(every)
