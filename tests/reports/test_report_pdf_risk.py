"""What a reader of the PDF progress report sees: risk history (every answer that raised a flag,
open and acknowledged flags, voided administrations), which direction is better and the
thresholds behind each outcome, page furniture, homework counts and the period covered.
Text is read back with pypdf, page by page."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from assessments.instruments import INSTRUMENTS
from assessments.models import RiskFlag
from assessments.services import assessment_record, risk_flag_acknowledge
from sessions.homework.services import homework_assign, homework_close
from tests.factories import ClientFactory, SessionFactory
from tests.reports.conftest import at, day, pdf_reader, report_url, responses_for, void

pytestmark = pytest.mark.django_db

MINUS, DASH = "\N{MINUS SIGN}", "\N{EN DASH}"
# docs/instruments.md, PHQ-9 item 9, as the flag quotes it (first letter lower case).
ITEM_9 = "thoughts that you would be better off dead or of hurting yourself in some way"


def pages(response) -> list[str]:
    """The text of each page, runs of whitespace as one space."""
    assert response.status_code == 200, response.content
    return [" ".join(page.extract_text().split()) for page in pdf_reader(response).pages]


def text_of(response) -> str:
    return " ".join(pages(response))


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


# --- Direction and thresholds ---------------------------------------------------------------


def test_each_outcome_says_which_direction_is_better_and_the_thresholds_used(
    history, clinician, as_user
):
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert (
        f"PHQ-9 (total 0{DASH}27, lower is better) "
        f"Change from 18 to 8: {MINUS}10 points (lower is better). Reliably improved: the change "
        "reaches the reliable change threshold of 6 points. "
        "Clinical cut-off: a case at 10 or more. A case at baseline (18), not at the latest (8), "
        "with reliable improvement."
    ) in text
    assert (
        f"GAD-7 (total 0{DASH}21, lower is better) "
        f"Change from 12 to 9: {MINUS}3 points (lower is better). No reliable change: the change "
        "is under the reliable change threshold of 4 points. "
        "Clinical cut-off: a case at 8 or more. A case at baseline (12) and still at the latest "
        "(9)."
    ) in text
    assert (
        f"Rosenberg Self-Esteem Scale (total 0{DASH}30, higher is better) "
        "Change from 10 to 20: +10 points (higher is better). Reliably improved: the change "
        "reaches the reliable change threshold of 6 points. "
        "Clinical cut-off: a case below 15. A case at baseline (10), not at the latest (20), with "
        "reliable improvement."
    ) in text


def test_a_deterioration_and_a_single_administration_are_worded_as_such(clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "gad7", 3, day(1, 6))
    record(client, "gad7", 9, day(2, 6))
    record(client, "phq9", 12, day(1, 6))

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert (
        "Change from 3 to 9: +6 points (lower is better). Reliably deteriorated: the change "
        "reaches the reliable change threshold of 4 points. Clinical cut-off: a case at 8 or "
        "more. Not a case at baseline (3): the cut-off outcome does not apply."
    ) in text
    assert (
        "One administration so far: 12 (lower is better); change needs a second. Clinical "
        "cut-off: a case at 10 or more. The one score (12) is a case."
    ) in text


# --- The Rootwise index ---------------------------------------------------------------------


def test_the_roots_index_is_labelled_as_rootwise_own_with_its_change_per_root(
    history, clinician, as_user
):
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert (
        f"Insecurity Roots Index (total 0{DASH}50, lower is better) "
        f"Change from 30 to 20: {MINUS}10 points (lower is better). Reliable change does not "
        "apply: there is no reliable change threshold. The Insecurity Roots Index is a Rootwise "
        "index, not a validated measure"
    ) in text
    # roots5 answers 10,10,10,0,0 then 10,10,0,0,0 (conftest): past failures fell by 10.
    assert (
        "Root Sessions First Last Index, latest (0-10) Index change "
        "Early childhood experiences 0 — — 10 0 "
        "Social comparisons 1 2025-01-06 2025-01-06 10 0 "
        f"Past failures 1 2025-01-20 2025-01-20 0 {MINUS}10 "
        "Relationship dynamics 0 — — 0 0 "
        "Perfectionism 1 2025-01-06 2025-01-06 0 0"
    ) in text
    assert "a Rootwise index (not a validated measure)" in text


# --- Period covered -------------------------------------------------------------------------


def test_period_covered_ends_at_the_last_completed_session_or_administration(
    history, clinician, as_user
):
    # history: last administration 6 March; a session is scheduled for 7 April.
    text = text_of(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert "Period covered 2025-01-06 to 2025-03-06" in text


def test_period_covered_ignores_scheduled_and_cancelled_sessions(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=client, starts_at=at(1, 2), status="cancelled", note_format="")
    SessionFactory(client=client, starts_at=at(1, 9))
    SessionFactory(client=client, starts_at=at(6, 1), status="scheduled", note_format="")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Period covered 2025-01-09 to 2025-01-09" in text


def test_period_covered_of_a_client_with_only_a_scheduled_session(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician)
    SessionFactory(client=client, starts_at=at(6, 1), status="scheduled", note_format="")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Period covered No records yet" in text


def test_the_report_dates_sessions_on_the_practices_calendar(clinician, as_user):
    """23:30 in New York on 11 May is 03:30 UTC on 12 May: the report says 11 May throughout."""
    clinician.practice.time_zone = "America/New_York"
    clinician.practice.save()
    client = ClientFactory(primary_clinician=clinician)
    evening = datetime.datetime(2025, 5, 11, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    SessionFactory(client=client, starts_at=evening, roots_addressed=["perfectionism"])

    text = text_of(as_user(clinician).get(report_url(client, format="pdf", include="notes")))

    assert "Period covered 2025-05-11 to 2025-05-11" in text
    assert "11 May 2025 —" in text  # the session's note heading
    assert "2025-05-12" not in text
    assert "(America/New_York)" in text  # when it was generated, on the practice's clock


# --- Layout ---------------------------------------------------------------------------------


def test_every_page_has_the_client_name_and_its_page_number(history, clinician, as_user):
    texts = pages(as_user(clinician).get(report_url(history.client, format="pdf")))

    assert len(texts) > 2
    for number, text in enumerate(texts, 1):
        assert "Progress report: Harriet Quinlan" in text, number
        assert f"Page {number} of {len(texts)}" in text, number


def test_each_chart_is_on_the_page_of_its_outcome_and_its_table(history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client, format="pdf"))
    texts = pages(response)
    reader = pdf_reader(response)

    # Per instrument: its outcome sentence, and the last row of its table.
    for outcome, last_row in [
        ("Change from 18 to 8", f"2025-03-03 8 mild {MINUS}10 0"),
        ("Change from 12 to 9", f"2025-03-04 9 mild {MINUS}3"),
        ("Change from 10 to 20", "2025-03-05 20 normal +10"),
        ("Change from 30 to 20", f"2025-03-06 20 — {MINUS}10"),
    ]:
        (page,) = [index for index, text in enumerate(texts) if outcome in text]
        assert last_row in texts[page], outcome
        assert reader.pages[page].images, outcome


HEADINGS = {
    "Standardized measures",
    f"PHQ-9 (total 0{DASH}27, lower is better)",
    "Roots of insecurity",
    "Presenting",
    "Addressed across sessions",
    "Completed sessions by root",
    "Homework adherence",
    "Risk flags",
}


# The measures' introduction: with its heading, it must not end a page either.
INTRODUCTION_END = "Severity bands include both their bounds."


def last_line_of_content(page) -> str:
    """The last line above the page furniture (stamped after the content)."""
    lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    furniture = re.compile(r"^(Progress report: .*|Page \d+ of \d+)$")
    return [line for line in lines if not furniture.match(line)][-1]


def test_no_heading_is_left_alone_at_the_foot_of_a_page(clinician, as_user):
    """As the PHQ-9 table grows a row at a time, the headings after it pass the foot of the
    page; none is ever the last line there."""
    client = ClientFactory(
        primary_clinician=clinician, roots=[("perfectionism", 3), ("past_failures", 2)]
    )
    SessionFactory(client=client, starts_at=at(1, 6), roots_addressed=["perfectionism"])
    homework_assign(by=clinician, client=client, strategy="self_reflection", title="Journal")
    api = as_user(clinician)
    endings = []
    for index in range(12):
        record_phq9 = responses_for("phq9", 10 + index % 5)
        assessment_record(
            by=clinician,
            client=client,
            instrument="phq9",
            administered_on=day(1, 6) + datetime.timedelta(days=7 * index),
            responses=record_phq9,
        )
        reader = pdf_reader(api.get(report_url(client, format="pdf")))
        endings += [last_line_of_content(page) for page in reader.pages[:-1]]

    assert endings, "every report fitted on one page"
    assert not HEADINGS & set(endings), endings
    assert not [ending for ending in endings if ending.endswith(INTRODUCTION_END)], endings


def test_homework_shows_outstanding_cancelled_and_how_many_ratings_a_mean_rests_on(
    clinician, as_user
):
    client = ClientFactory(primary_clinician=clinician)
    for helpfulness in (3, 4):
        homework = homework_assign(
            by=clinician, client=client, strategy="self_reflection", title="Journal"
        )
        homework_close(homework=homework, by=clinician, status="completed", helpfulness=helpfulness)
    cancelled = homework_assign(
        by=clinician, client=client, strategy="self_reflection", title="Letter"
    )
    homework_close(homework=cancelled, by=clinician, status="cancelled")
    homework_assign(by=clinician, client=client, strategy="self_reflection", title="Walk")
    homework_assign(by=clinician, client=client, strategy="realistic_goals", title="One step")

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert (
        "Strategy Assigned Completed Partly Not done Outstanding Cancelled Completion "
        "Mean helpfulness (0-10)"
    ) in text
    assert "Self-reflection 3 2 0 0 1 1 100% 3.5 from 2 ratings" in text
    assert "Setting realistic goals 1 0 0 0 1 0 — no ratings" in text
    assert "All strategies 4 2 0 0 2 1 100% 3.5 from 2 ratings" in text


# --- PHQ-9 with GAD-7: NHS Talking Therapies outcomes ---------------------------------------


def paired_section(response) -> str:
    text = text_of(response)
    assert "PHQ-9 with GAD-7: NHS Talking Therapies outcomes" in text
    return text.split("PHQ-9 with GAD-7: NHS Talking Therapies outcomes", 1)[1]


def test_the_report_reads_a_pair_as_improvement_not_recovery(clinician, as_user, record):
    """docs/instruments.md's worked example: PHQ-9 18 to 8 with GAD-7 12 to 9 is reliable
    improvement, not recovery, for GAD-7 9 is still a case."""
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 18, day(1, 6))
    record(client, "gad7", 12, day(1, 8))
    record(client, "phq9", 8, day(3, 3))
    record(client, "gad7", 9, day(3, 3))

    section = paired_section(as_user(clinician).get(report_url(client, format="pdf")))

    assert "First pair: PHQ-9 18 on 2025-01-06, GAD-7 12 on 2025-01-08" in section
    assert "Last pair: PHQ-9 8 on 2025-03-03, GAD-7 9 on 2025-03-03" in section
    assert "Caseness at baseline yes" in section
    assert "Recovery no" in section
    assert "Reliable improvement yes" in section
    assert "Reliable deterioration no" in section
    assert "Reliable recovery no" in section


def test_one_pair_is_not_yet_an_outcome(clinician, as_user, record):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 12, day(1, 6))
    record(client, "gad7", 9, day(1, 6))
    record(client, "gad7", 5, day(3, 3))  # no PHQ-9 within 7 days: not a pair

    section = paired_section(as_user(clinician).get(report_url(client, format="pdf")))

    assert "Fewer than two paired administrations" in section
    assert "1 so far" in section
    assert "Reliable improvement" not in section


def test_a_client_without_both_measures_has_no_paired_section(clinician, as_user, record):
    client = ClientFactory(primary_clinician=clinician)
    record(client, "phq9", 12, day(1, 6))
    record(client, "phq9", 4, day(3, 3))

    text = text_of(as_user(clinician).get(report_url(client, format="pdf")))

    assert "NHS Talking Therapies" not in text
