"""The risk history in the PDF progress report: every answer that raised a flag in its own words,
open and acknowledged flags with who and when, and voided administrations.
Text is read back with pypdf, page by page."""

import datetime

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.models import RiskFlag
from assessments.services import assessment_record, risk_flag_acknowledge
from tests.factories import ClientFactory
from tests.reports.conftest import MINUS, day, report_url, text_of, void

pytestmark = pytest.mark.django_db


# docs/instruments.md, PHQ-9 item 9, as the flag quotes it (first letter lower case).
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


def test_report_lists_open_and_acknowledged_flags_with_who_when_and_voids(
    flagged, clinician, care_team_member, as_user
):
    client, acknowledged, voided = flagged

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Risk flags 2 open, 1 acknowledged (listed below)" in text  # the header
    assert "Risk flags 2 open, 1 acknowledged. A flag is raised by the answer shown" in text
    answer = f"PHQ-9 item 9 ({ITEM_9}) answered"
    on = acknowledged.acknowledged_at.date().isoformat()
    assert (
        f"2025-01-06 {answer} 1: several days Recorded "
        f"Acknowledged {on} by {care_team_member.full_name}"
    ) in text
    assert f"2025-02-03 {answer} 2: more than half the days Recorded OPEN" in text
    assert (
        f"2025-03-03 {answer} 3: nearly every day "
        f"VOIDED {voided.voided_at.date().isoformat()} by {clinician.full_name}; "
        "the flag stays on record OPEN"
    ) in text
    # The acknowledgement note is clinical text: only with ?include=notes.
    assert "Lyrebirdacknotesentinel" not in text


def test_report_with_notes_shows_the_acknowledgement_note(flagged, clinician, as_user):
    client, *_ = flagged

    text = text_of(as_user(clinician).get(report_url(client, format="pdf", include="notes")))

    assert "Safety plan reviewed; Lyrebirdacknotesentinel." in text


def test_report_of_a_client_without_flags_says_so(history, clinician, as_user):
    RiskFlag.objects.filter(client=history.client).delete()

    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert "Risk flags 0 open, 0 acknowledged Generated" in text  # the header
    assert "Risk flags No risk flags have been raised." in text


def test_every_administration_that_endorsed_item_9_is_marked_with_its_answer(
    history, clinician, as_user
):
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    # The PHQ-9 table: item 9 for each non-void administration, the endorsement with its answer.
    assert (
        "Date Total Severity Change from baseline Item 9 (risk item) "
        f"2025-01-06 18 moderately severe baseline 0 "
        f"2025-02-03 12 moderate {MINUS}6 1: several days, risk flag "
        f"2025-03-03 8 mild {MINUS}10 0"
    ) in text
    # Other instruments have no risk item.
    assert "2025-01-07 12 moderate baseline 2025-03-04 9 mild" in text


def test_a_flag_recorded_with_an_older_description_reads_as_its_answer(history, clinician, as_user):
    RiskFlag.objects.filter(client=history.client).update(
        description="PHQ-9: Item 9 (thoughts of being better off dead or of self-harm) above 0."
    )

    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert f"2025-02-03 PHQ-9 item 9 ({ITEM_9}) answered 1: several days Recorded OPEN" in text
