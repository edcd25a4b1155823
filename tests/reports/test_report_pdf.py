"""Risk flags as the progress report shows them: each names the answer that raised it."""

import datetime

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.models import RiskFlag
from assessments.services import assessment_record, risk_flag_acknowledge
from tests.factories import ClientFactory
from tests.reports.conftest import day, void

pytestmark = pytest.mark.django_db

# INSTRUMENTS.md, PHQ-9 item 9, as the flag quotes it (first letter lower case).
ITEM_9 = "thoughts that you would be better off dead or of hurting yourself in some way"


def phq9_with_item_9(client, answer: int, on: datetime.date):
    """A PHQ-9 totalling 8 + `answer` whose item 9 is `answer`."""
    return assessment_record(
        by=client.primary_clinician,
        client=client,
        instrument="phq9",
        administered_on=on,
        responses=[2, 2, 2, 2, 0, 0, 0, 0, answer],
    )


@pytest.fixture
def flagged(clinician, care_team_member):
    """A client with three PHQ-9s endorsing item 9: answered 1 (flag acknowledged by the care
    team member), answered 2 (flag open), answered 3 (administration voided, flag open)."""
    client = ClientFactory(
        primary_clinician=clinician,
        care_team=[care_team_member],
        given_name="Rosalind",
        family_name="Achterberg",
    )
    first = phq9_with_item_9(client, 1, day(1, 6))
    phq9_with_item_9(client, 2, day(2, 3))
    third = phq9_with_item_9(client, 3, day(3, 3))
    acknowledged = risk_flag_acknowledge(
        flag=RiskFlag.objects.get(assessment=first),
        by=care_team_member,
        note="Safety plan reviewed; Lyrebirdacknotesentinel.",
    )
    voided = void(third)
    return client, acknowledged, voided


# --- Risk history ---------------------------------------------------------------------------


def test_a_raised_flag_names_the_item_in_its_own_words_and_the_answer(flagged, clinician, as_user):
    client, *_ = flagged

    response = as_user(clinician).get("/api/v1/risk-flags/", {"client": client.pk})

    assert response.status_code == 200, response.content
    descriptions = sorted(flag["description"] for flag in response.json()["results"])
    assert descriptions == [
        f"PHQ-9 item 9 ({ITEM_9}) answered 1: several days",
        f"PHQ-9 item 9 ({ITEM_9}) answered 2: more than half the days",
        f"PHQ-9 item 9 ({ITEM_9}) answered 3: nearly every day",
    ]
    assert INSTRUMENTS["phq9"].items[8].text == ITEM_9[0].upper() + ITEM_9[1:]
