"""GET /clients/{id}/report/: format negotiation (Accept or ?format=, JSON by default, 406 for
anything else, errors always problem documents), and the JSON, CSV and PDF bodies checked
against the hand-built history in conftest. The FHIR bundle has its own module."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import RiskFlag
from assessments.services import risk_flag_acknowledge
from sessions.homework.services import homework_assign
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import assert_problem
from tests.reports.conftest import (
    ADDENDUM_SENTINEL,
    EXPECTED_CSV_ROWS,
    FORMATS,
    HOMEWORK_NOTE_SENTINEL,
    NOTE_SENTINEL,
    body,
    pdf_reader,
    pdf_text,
    read_csv,
    report_url,
    void,
)

pytestmark = pytest.mark.django_db

# The CSV's header line as a spreadsheet shows it.
CSV_HEADER = "client_id,instrument,administered_on,total_score,severity,change_from_baseline,flags"
CSV_COLUMNS = CSV_HEADER.split(",")
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def content_type(response) -> str:
    return response["Content-Type"].split(";")[0].strip()


# --- Negotiation -------------------------------------------------------------------------------


def test_report_is_json_by_default(history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client))

    assert response.status_code == 200, response.content
    assert content_type(response) == "application/json"
    assert set(response.json()) == {"progress", "administrations"}


@pytest.mark.parametrize("export_format", ["json", "csv", "fhir"])
@pytest.mark.parametrize("chosen_by", ["query", "accept"])
def test_report_format_is_chosen_by_query_or_accept(
    export_format, chosen_by, history, clinician, as_user
):
    api = as_user(clinician)
    if chosen_by == "query":
        response = api.get(report_url(history.client, format=export_format))
    else:
        response = api.get(report_url(history.client), HTTP_ACCEPT=FORMATS[export_format])

    assert response.status_code == 200, body(response)
    assert content_type(response) == FORMATS[export_format]


@pytest.mark.parametrize("chosen_by", ["query", "accept"])
def test_report_pdf_is_chosen_by_query_or_accept(chosen_by, client_record, clinician, as_user):
    api = as_user(clinician)
    if chosen_by == "query":
        response = api.get(report_url(client_record, format="pdf"))
    else:
        response = api.get(report_url(client_record), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200, body(response)
    assert response["Content-Type"] == "application/pdf"
    assert len(pdf_reader(response).pages) >= 1


def test_report_accept_with_qualities_takes_the_preferred_format(history, clinician, as_user):
    response = as_user(clinician).get(
        report_url(history.client), HTTP_ACCEPT="application/xml;q=1.0, text/csv;q=0.8"
    )

    assert response.status_code == 200, body(response)
    assert content_type(response) == "text/csv"


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_report_query_format_overrides_the_accept_header(
    export_format, history, clinician, as_user
):
    response = as_user(clinician).get(
        report_url(history.client, format=export_format), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200, body(response)
    assert content_type(response) == FORMATS[export_format]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"format": "xml"},
        {"format": "PDFX"},
        {"format": ""},
        {"accept": "image/png"},
        {"accept": "text/html"},
    ],
    ids=["format=xml", "format=PDFX", "format=", "accept-image/png", "accept-text/html"],
)
def test_report_in_an_unsupported_format_is_406_listing_the_supported_ones(
    request_kwargs, history, clinician, as_user
):
    api = as_user(clinician)
    if "format" in request_kwargs:
        response = api.get(report_url(history.client, format=request_kwargs["format"]))
    else:
        response = api.get(report_url(history.client), HTTP_ACCEPT=request_kwargs["accept"])

    problem = assert_problem(response, 406)
    for media_type in FORMATS.values():
        assert media_type in problem["detail"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"format": "pdf"},
        {"format": "csv"},
        {"format": "fhir"},
        {"accept": "application/pdf"},
        {"accept": "text/csv"},
        {"accept": "application/fhir+json"},
    ],
    ids=["format=pdf", "format=csv", "format=fhir", "accept-pdf", "accept-csv", "accept-fhir"],
)
def test_report_errors_are_problem_documents_whatever_format_was_asked_for(
    request_kwargs, clinician, as_user
):
    api = as_user(clinician)
    url = f"/api/v1/clients/{UNKNOWN}/report/"
    if "format" in request_kwargs:
        response = api.get(f"{url}?format={request_kwargs['format']}")
    else:
        response = api.get(url, HTTP_ACCEPT=request_kwargs["accept"])

    assert_problem(response, 404)


# --- JSON ----------------------------------------------------------------------------------


def test_report_json_holds_the_progress_document_and_the_non_void_administrations(
    history, clinician, as_user
):
    api = as_user(clinician)

    report = api.get(report_url(history.client, format="json")).json()
    progress = api.get(f"/api/v1/clients/{history.client.pk}/progress/")
    listed = api.get(f"/api/v1/assessments/?client={history.client.pk}&page_size=200")

    assert progress.status_code == 200, progress.content
    assert report["progress"] == progress.json()
    # The list answers newest first; the report oldest first (every date differs).
    assert listed.status_code == 200, listed.content
    assert report["administrations"] == list(reversed(listed.json()["results"]))
    assert [a["id"] for a in report["administrations"]] == [str(a.pk) for a in history.kept]
    assert [
        (a["instrument"], a["administered_on"], a["total_score"], a["voided_at"])
        for a in report["administrations"]
    ] == [(code, on, total, None) for code, on, total, *_ in EXPECTED_CSV_ROWS]
    outcomes = {o["instrument"]: o for o in report["progress"]["instruments"]}
    assert (outcomes["phq9"]["baseline"], outcomes["phq9"]["latest"]) == (18, 8)
    assert (outcomes["gad7"]["baseline"], outcomes["gad7"]["latest"]) == (12, 9)


def test_report_json_of_a_client_with_no_records(client_record, clinician, as_user):
    response = as_user(clinician).get(report_url(client_record))

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["administrations"] == []
    assert report["progress"]["instruments"] == []
    assert report["progress"]["client"] == str(client_record.pk)


# --- CSV -----------------------------------------------------------------------------------


def test_report_csv_has_one_row_per_non_void_administration(history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client, format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="' in disposition
    assert disposition.endswith('.csv"')
    header, rows = read_csv(response)
    assert header == CSV_COLUMNS
    client_id = str(history.client.pk)
    assert [
        (
            row["client_id"],
            row["instrument"],
            row["administered_on"],
            int(row["total_score"]),
            row["severity"],
            int(row["change_from_baseline"]),
            row["flags"],
        )
        for row in rows
    ] == [(client_id, *expected) for expected in EXPECTED_CSV_ROWS]


def test_report_csv_leaves_out_voided_administrations(history, clinician, as_user):
    _, rows = read_csv(as_user(clinician).get(report_url(history.client, format="csv")))

    assert len(history.voided) == 2
    assert len(rows) == len(history.administrations) - len(history.voided)
    for voided in history.voided:
        assert (voided.instrument, voided.administered_on.isoformat()) not in {
            (row["instrument"], row["administered_on"]) for row in rows
        }
    # The voided GAD-7 of 3 came first: were it counted, 12 would show +9, not 0.
    gad7 = [row for row in rows if row["instrument"] == "gad7"]
    assert [row["change_from_baseline"] for row in gad7] == ["0", "-3"]


def test_report_csv_is_the_same_by_query_and_by_accept(history, clinician, as_user):
    api = as_user(clinician)

    by_query = api.get(report_url(history.client, format="csv"))
    by_accept = api.get(report_url(history.client), HTTP_ACCEPT="text/csv")

    assert by_accept.status_code == 200
    assert by_accept["Content-Disposition"].startswith("attachment;")
    assert body(by_accept) == body(by_query)


def test_report_csv_of_a_client_with_no_records_is_the_header_only(
    client_record, clinician, as_user
):
    response = as_user(clinician).get(report_url(client_record, format="csv"))

    assert response.status_code == 200
    assert read_csv(response) == (CSV_COLUMNS, [])


# --- PDF -----------------------------------------------------------------------------------


def test_report_pdf_shows_the_client_measures_roots_and_homework(history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client, format="pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith('.pdf"')
    text = pdf_text(response)
    assert "Harriet Quinlan" in text
    for instrument in ["PHQ-9", "GAD-7", "Rosenberg Self-Esteem Scale", "Insecurity Roots Index"]:
        assert instrument in text
    # Outcomes in plain words, first vs latest non-void administration.
    assert "from 18 to 8" in text
    assert "from 12 to 9" in text
    for root in ["Perfectionism", "Social comparisons", "Past failures"]:
        assert root in text
    assert "Homework adherence" in text
    assert "Self-reflection" in text
    assert "Setting realistic goals" in text
    assert "Risk flags" in text
    # One chart per instrument taken, and the roots timeline, each known by its date axis.
    assert text.count("Date administered") == 4
    assert text.count("Session date") == 1
    # No note text unless asked for.
    for sentinel in (NOTE_SENTINEL, ADDENDUM_SENTINEL, HOMEWORK_NOTE_SENTINEL):
        assert sentinel not in text
    # Voided administrations are not shown: their totals' dates are absent.
    for voided in history.voided:
        assert voided.administered_on.isoformat() not in text


def test_report_pdf_with_include_notes_shows_the_note_and_addendum(history, clinician, as_user):
    response = as_user(clinician).get(report_url(history.client, format="pdf", include="notes"))

    assert response.status_code == 200
    text = pdf_text(response)
    assert NOTE_SENTINEL in text
    assert ADDENDUM_SENTINEL in text
    assert "Harriet Quinlan" in text


def test_report_pdf_of_a_client_with_no_records_is_a_valid_pdf(clinician, as_user):
    client = ClientFactory(primary_clinician=clinician, given_name="Zoë", family_name="O'Brien")

    response = as_user(clinician).get(report_url(client, format="pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Zoë O'Brien" in text
    assert "No assessments have been recorded." in text
    assert "Homework adherence" in text


# --- Size ----------------------------------------------------------------------------------


def test_report_of_a_client_with_200_administrations_exports_in_every_format(
    clinician, record, as_user
):
    client = ClientFactory(primary_clinician=clinician, roots=[("past_failures", 3)])
    codes = ["phq9", "gad7", "rses", "roots5"]
    for index in range(200):
        code = codes[index % 4]
        record(client, code, 5 + index % 10, datetime.date(2024, 1, 1) + datetime.timedelta(index))
    SessionFactory(client=client, roots_addressed=["past_failures"])
    api = as_user(clinician)

    as_json = api.get(report_url(client, format="json"))
    as_csv = api.get(report_url(client, format="csv"))
    as_fhir = api.get(report_url(client, format="fhir"))
    as_pdf = api.get(report_url(client, format="pdf"))

    assert as_json.status_code == 200
    assert len(as_json.json()["administrations"]) == 200
    assert as_csv.status_code == 200
    assert len(read_csv(as_csv)[1]) == 200
    assert as_fhir.status_code == 200
    types = [entry["resource"]["resourceType"] for entry in as_fhir.json()["entry"]]
    assert types.count("Observation") == 200
    assert types.count("QuestionnaireResponse") == 200
    assert as_pdf.status_code == 200
    assert len(pdf_reader(as_pdf).pages) > 1


@pytest.mark.parametrize("export_format", ["json", "csv", "fhir", "pdf"])
def test_report_costs_the_same_queries_however_long_the_history(
    export_format, clinician, care_team_member, record, as_user
):
    small = ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 2)])
    SessionFactory(client=small, roots_addressed=["perfectionism"])
    record(small, "phq9", 10, datetime.date(2025, 1, 6))
    homework_assign(by=clinician, client=small, strategy="self_reflection", title="Journal")

    large = ClientFactory(
        primary_clinician=clinician,
        care_team=[care_team_member],
        roots=[("perfectionism", 2), ("past_failures", 4)],
    )
    for index in range(6):
        SessionFactory(
            client=large,
            clinician=[clinician, care_team_member][index % 2],
            roots_addressed=["perfectionism", "past_failures"][: 1 + index % 2],
        )
    for index, code in enumerate(["phq9", "gad7", "rses", "roots5"] * 5):
        record(large, code, 8, datetime.date(2025, 1, 6) + datetime.timedelta(index), risk=True)
    # Risk flags of every kind: acknowledged, and raised by a since-voided administration.
    first, second, *_ = RiskFlag.objects.filter(client=large).order_by("raised_on")
    risk_flag_acknowledge(flag=first, by=care_team_member, note="Reviewed.")
    void(second.assessment)
    for strategy in ["self_reflection", "realistic_goals", "professional_help"]:
        homework_assign(by=clinician, client=large, strategy=strategy, title=strategy)
    api = as_user(clinician)

    counts = []
    for client in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(report_url(client, format=export_format, include="notes"))
            assert response.status_code == 200
            body(response)
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1], counts


def test_presenting_root_notes_appear_in_the_pdf_only_with_include_notes(
    history, clinician, as_user
):
    sentinel = "Pangolinrootnotesentinel"
    history.client.presenting_roots.update(note=sentinel)
    api = as_user(clinician)

    without = pdf_text(api.get(report_url(history.client, format="pdf")))
    with_notes = pdf_text(api.get(report_url(history.client, format="pdf", include="notes")))

    assert sentinel not in without
    assert sentinel in with_notes
