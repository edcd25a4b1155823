"""Fixtures for the report tests: response vectors built from docs/instruments.md (not from the code
under test), administrations recorded through the service, a client with a hand-built history
(sessions, notes, administrations including voided ones, homework), and readers for the CSV,
PDF and FHIR bodies the exports answer with."""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.services import assessment_record, assessment_void
from clients.models import Client
from sessions.homework.models import Homework
from sessions.homework.services import homework_assign, homework_close
from sessions.models import Session
from tests.factories import AddendumFactory, ClientFactory, SessionFactory, UserFactory
from tests.reports.fhir import FHIR_MEDIA_TYPE

OUTCOMES = "/api/v1/reports/outcomes/"

# The four formats of the client report, each as ?format= and as an Accept header, with the
# media type the response has.
FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "pdf": "application/pdf",
    "fhir": "application/fhir+json",
}

# Strings written into note text only; an export without notes must not contain them.
NOTE_SENTINEL = "Quokkanotesentinel"
ADDENDUM_SENTINEL = "Wombataddendumsentinel"
HOMEWORK_NOTE_SENTINEL = "Numbatoutcomesentinel"


def report_url(client, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/clients/{client.pk}/report/" + (f"?{query}" if query else "")


def body(response) -> bytes:
    """The body of a response, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response) -> tuple[list[str], list[dict]]:
    """The header of a CSV response, and its rows as dicts keyed by the header."""
    lines = body(response).decode("utf-8").splitlines(keepends=True)
    header = next(csv.reader(lines[:1])) if lines else []
    return header, list(csv.DictReader(lines))


def pdf_reader(response) -> PdfReader:
    content = body(response)
    assert content.startswith(b"%PDF-"), content[:40]
    return PdfReader(io.BytesIO(content))


def pdf_text(response) -> str:
    """All the text of a PDF, every page, with runs of whitespace (table cells wrap) as one
    space."""
    text = " ".join(page.extract_text() for page in pdf_reader(response).pages)
    return " ".join(text.split())


# --- Response vectors, from docs/instruments.md --------------------------------------------------

# items, highest option value, reverse-scored items (item score = top - value)
SPEC = {
    "phq9": (9, 3, frozenset()),
    "gad7": (7, 3, frozenset()),
    "rses": (10, 3, frozenset({2, 5, 6, 8, 9})),
    "roots5": (5, 10, frozenset()),
}


def responses_for(code: str, total: int, *, risk: bool = False) -> list[int]:
    """Answers for `code` that score `total` by docs/instruments.md. PHQ-9 item 9 (the risk item) is
    0 unless `risk`, then 1."""
    items, top, reverse = SPEC[code]
    scores = [0] * items
    remaining = total
    if code == "phq9":
        scores[8] = 1 if risk else 0
        remaining -= scores[8]
        free = range(8)
    else:
        free = range(items)
    for index in free:
        scores[index] = min(top, remaining)
        remaining -= scores[index]
    assert remaining == 0, f"{code} cannot total {total}"
    return [top - score if number in reverse else score for number, score in enumerate(scores, 1)]


@pytest.fixture
def record():
    """`record(client, code, total, on, risk=False, by=None)`: an administration through the
    service (the API's own write path) whose total is `total`."""

    def create(client, code, total, on, *, risk=False, by=None) -> Assessment:
        return assessment_record(
            by=by or client.primary_clinician,
            client=client,
            instrument=code,
            administered_on=on,
            responses=responses_for(code, total, risk=risk),
        )

    return create


def void(assessment: Assessment) -> Assessment:
    return assessment_void(
        assessment=assessment,
        by=assessment.client.primary_clinician,
        reason="Recorded for the wrong client.",
    )


# --- People --------------------------------------------------------------------------------------


@pytest.fixture
def care_team_member(practice):
    """A clinician of the practice; `history` puts them on its client's care team."""
    return UserFactory(practice=practice, full_name="Imogen Care-Team")


# --- A client's history, built by hand -----------------------------------------------------------


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2025, month, dom)


def at(month: int, dom: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2025, month, dom, hour, 0, tzinfo=datetime.UTC)


# (instrument, date, total, PHQ-9 item 9 above 0, voided), in date order. Every date differs.
ADMINISTRATIONS = [
    ("gad7", day(1, 5), 3, False, True),  # voided: would otherwise be the GAD-7 baseline
    ("phq9", day(1, 6), 18, False, False),
    ("gad7", day(1, 7), 12, False, False),
    ("rses", day(1, 8), 10, False, False),
    ("roots5", day(1, 9), 30, False, False),
    ("phq9", day(1, 21), 24, False, True),  # voided
    ("phq9", day(2, 3), 12, True, False),
    ("phq9", day(3, 3), 8, False, False),
    ("gad7", day(3, 4), 9, False, False),
    ("rses", day(3, 5), 20, False, False),
    ("roots5", day(3, 6), 20, False, False),
]

# The administration rows the client's CSV must hold: per non-void administration, oldest
# first: (instrument, date, total, severity band, change from the instrument's first non-void
# administration, flags). Bands and changes worked out by hand from docs/instruments.md.
EXPECTED_CSV_ROWS = [
    ("phq9", "2025-01-06", 18, "moderately_severe", 0, ""),
    ("gad7", "2025-01-07", 12, "moderate", 0, ""),
    ("rses", "2025-01-08", 10, "low", 0, ""),
    ("roots5", "2025-01-09", 30, "", 0, ""),
    ("phq9", "2025-02-03", 12, "moderate", -6, "risk"),
    ("phq9", "2025-03-03", 8, "mild", -10, ""),
    ("gad7", "2025-03-04", 9, "mild", -3, ""),
    ("rses", "2025-03-05", 20, "normal", 10, ""),
    ("roots5", "2025-03-06", 20, "", -10, ""),
]

# Per instrument over the non-void administrations: (administrations, baseline, latest, change,
# reliable change, no longer a case), by docs/instruments.md (PHQ-9 18 -> 8 and GAD-7 12 -> 9
# are its worked examples; RSES is a case below 15 and needs 6 points; roots5 has no threshold
# nor cut-off).
EXPECTED_OUTCOMES = {
    "phq9": ("3", "18", "8", "-10", "improved", "true"),
    "gad7": ("2", "12", "9", "-3", "no_reliable_change", "false"),
    "rses": ("2", "10", "20", "10", "improved", "true"),
    "roots5": ("2", "30", "20", "-10", "not_applicable", ""),
}


@dataclass
class History:
    client: Client
    sessions: dict[str, Session]
    administrations: list[Assessment]
    voided: list[Assessment]
    homework: list[Homework] = field(default_factory=list)

    @property
    def kept(self) -> list[Assessment]:
        return [a for a in self.administrations if a not in self.voided]


@pytest.fixture
def history(clinician, care_team_member, record):
    """A client of `clinician` (supervised by `supervisor`) with `care_team_member` on the team:
    four sessions (completed with a signed note and an addendum, completed by the care-team
    member over video, cancelled, scheduled), the ADMINISTRATIONS above (two voided), and two
    homework assignments (one completed with an outcome note, one still assigned)."""
    client = ClientFactory(
        primary_clinician=clinician,
        care_team=[care_team_member],
        given_name="Harriet",
        family_name="Quinlan",
        roots=[("perfectionism", 4), ("social_comparison", 2)],
    )
    sessions = {
        "completed": SessionFactory(
            client=client,
            starts_at=at(1, 6),
            roots_addressed=["perfectionism", "social_comparison"],
            note_sections={
                "data": f"Client described {NOTE_SENTINEL} at work.",
                "assessment": "Engaged.",
                "plan": "Weekly.",
            },
        ),
        "video": SessionFactory(
            client=client,
            clinician=care_team_member,
            starts_at=at(1, 20),
            modality="video",
            roots_addressed=["past_failures"],
        ),
        "cancelled": SessionFactory(
            client=client,
            starts_at=at(2, 3),
            status="cancelled",
            note_format="",
            note_sections={},
        ),
        "scheduled": SessionFactory(
            client=client,
            starts_at=at(4, 7),
            status="scheduled",
            note_format="",
            note_sections={},
            roots_addressed=["perfectionism"],
        ),
    }
    signed = sessions["completed"]
    Session.objects.filter(pk=signed.pk).update(signed_at=timezone.now(), signed_by=clinician)
    AddendumFactory(session=signed, text=f"Later: {ADDENDUM_SENTINEL} mentioned.")

    administrations, voided = [], []
    for code, on, total, risk, is_void in ADMINISTRATIONS:
        assessment = record(client, code, total, on, risk=risk)
        administrations.append(assessment)
        if is_void:
            voided.append(void(assessment))

    journal = homework_assign(
        by=clinician,
        client=client,
        strategy="self_reflection",
        title="Self-compassion journal",
        target_roots=["perfectionism"],
    )
    journal = homework_close(
        homework=journal,
        by=clinician,
        status="completed",
        helpfulness=7,
        outcome_note=f"Found it {HOMEWORK_NOTE_SENTINEL} useful.",
    )
    step = homework_assign(
        by=clinician,
        client=client,
        strategy="realistic_goals",
        title="One small step",
        instructions="Pick one thing and do it.",
        target_roots=["past_failures"],
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    return History(client, sessions, administrations, voided, [journal, step])


# --- FHIR ----------------------------------------------------------------------------------------

# FHIR_MEDIA_TYPE and the readers of a bundle are in tests/reports/fhir.py.


@pytest.fixture
def fetch_bundle(as_user):
    """`fetch_bundle(user, client, **params)`: the FHIR export as a dict, after checking the
    response is a 200 in the FHIR R4B media type that validates as an R4B Bundle."""

    def fetch(user, client, **params) -> dict:
        response = as_user(user).get(report_url(client, format="fhir", **params))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == FHIR_MEDIA_TYPE
        document = json.loads(response.content)
        bundle = Bundle.model_validate(document)
        assert bundle.type == "collection"
        assert Bundle.model_validate_json(response.content).type == "collection"
        return document

    return fetch


# The outcomes CSV's header line as a spreadsheet shows it: the per-instrument columns, then the
# client's paired PHQ-9/GAD-7 outcomes.
HEADER = (
    "client_id,client_name,instrument,administrations,baseline,latest,change,reliable_change,"
    "no_longer_a_case,paired_status,paired_baseline_on,paired_baseline_phq9,paired_baseline_gad7,"
    "paired_latest_on,paired_latest_phq9,paired_latest_gad7,caseness_at_baseline,recovery,"
    "reliable_improvement,reliable_deterioration,reliable_recovery"
)
COLUMNS = HEADER.split(",")
OUTCOME_FIELDS = COLUMNS[COLUMNS.index("administrations") : COLUMNS.index("paired_status")]
PAIRED_COLUMNS = COLUMNS[COLUMNS.index("paired_status") :]


def outcomes(response) -> dict[tuple[str, str], tuple]:
    """The per-instrument columns of the outcomes CSV keyed by (client id, instrument), after
    checking the response is a CSV attachment with the right header and no repeated key."""
    assert response.status_code == 200, body(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, rows = read_csv(response)
    assert header == COLUMNS
    keyed = {
        (row["client_id"], row["instrument"]): tuple(row[f] for f in OUTCOME_FIELDS) for row in rows
    }
    assert len(keyed) == len(rows), rows
    return keyed


def names(response) -> dict[str, str]:
    _, rows = read_csv(response)
    return {row["client_id"]: row["client_name"] for row in rows}


MINUS, DASH = "\N{MINUS SIGN}", "\N{EN DASH}"


def pages(response) -> list[str]:
    """The text of each page, runs of whitespace as one space."""
    assert response.status_code == 200, response.content
    return [" ".join(page.extract_text().split()) for page in pdf_reader(response).pages]


def text_of(response) -> str:
    return " ".join(pages(response))
