"""Listing administrations through /api/v1/assessments/: filters, malformed filters and ids,
newest first, cursor pages, and a fixed query count."""

import datetime

import pytest
from django.utils import timezone

from tests.assessments.conftest import (
    ASSESSMENTS,
    ids,
)
from tests.factories import ClientFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(clinician, client_record, record):
    """Administrations of two clients of `clinician`, on known dates."""
    second = ClientFactory(primary_clinician=clinician)
    d = datetime.date
    return {
        "a_phq_jan1": record(client_record, "phq9", [1] * 9, on=d(2025, 1, 1)),
        "a_gad_jan10": record(client_record, "gad7", [1] * 7, on=d(2025, 1, 10)),
        "a_phq_jan20": record(client_record, "phq9", [0] * 9, on=d(2025, 1, 20)),
        "b_phq_jan5": record(second, "phq9", [2] * 9, on=d(2025, 1, 5)),
        "second": second,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"a_phq_jan1", "a_gad_jan10", "a_phq_jan20", "b_phq_jan5"}),
        ({"client": "client_record"}, {"a_phq_jan1", "a_gad_jan10", "a_phq_jan20"}),
        ({"client": "second"}, {"b_phq_jan5"}),
        ({"instrument": "phq9"}, {"a_phq_jan1", "a_phq_jan20", "b_phq_jan5"}),
        ({"instrument": "gad7"}, {"a_gad_jan10"}),
        ({"instrument": "rses"}, set()),
        ({"administered_after": "2025-01-10"}, {"a_gad_jan10", "a_phq_jan20"}),
        ({"administered_before": "2025-01-05"}, {"a_phq_jan1", "b_phq_jan5"}),
        (
            {"administered_after": "2025-01-05", "administered_before": "2025-01-10"},
            {"b_phq_jan5", "a_gad_jan10"},
        ),
        (
            {"client": "client_record", "instrument": "phq9", "administered_after": "2025-01-02"},
            {"a_phq_jan20"},
        ),
    ],
)
def test_list_filters(as_user, clinician, client_record, history, params, expected):
    clients = {"client_record": client_record, "second": history["second"]}
    if "client" in params:
        params = {**params, "client": str(clients[params["client"]].pk)}
    response = as_user(clinician).get(ASSESSMENTS, params)
    assert ids(response) == {str(history[name].pk) for name in expected}


def test_an_unknown_instrument_filter_is_a_400(as_user, clinician, history):
    response = as_user(clinician).get(ASSESSMENTS, {"instrument": "bdi2"})
    assert response.status_code == 400
    assert error_fields(response) == ["instrument"]


def test_the_list_is_cursor_paginated(as_user, clinician, client_record, record):
    created = {
        str(record(client_record, "gad7", [0] * 7, same_day_reason="Repeated.").pk)
        for _ in range(5)
    }
    api = as_user(clinician)
    page = api.get(ASSESSMENTS, {"page_size": 2}).json()
    assert set(page) == {"next", "previous", "results"}
    assert page["previous"] is None
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == created


@pytest.mark.parametrize("rows", [1, 25])
def test_list_query_count_is_fixed(
    as_user, clinician, client_record, session_record, record, django_assert_num_queries, rows
):
    for index in range(rows):
        assessment = record(
            client_record,
            "phq9",
            [0] * 8 + [index % 2],
            session=session_record,
            same_day_reason="Repeated the same day.",
        )
        if index % 3 == 0:
            assessment.voided_at = timezone.now()
            assessment.voided_by = clinician
            assessment.void_reason = "Test."
            assessment.save()
    api = as_user(clinician)
    with django_assert_num_queries(2):  # the page, and the audit event
        response = api.get(ASSESSMENTS, {"include_voided": "true"})
    assert len(response.json()["results"]) == rows


def test_the_list_runs_latest_administration_first(as_user, clinician, client_record, record):
    # Entered out of date order; listed by administration date, newest first.
    middle = record(client_record, "gad7", [1] * 7, on=datetime.date(2025, 2, 1))
    latest = record(client_record, "gad7", [1] * 7, on=datetime.date(2025, 3, 1))
    earliest = record(client_record, "gad7", [1] * 7, on=datetime.date(2025, 1, 1))
    response = as_user(clinician).get(ASSESSMENTS)
    assert [row["id"] for row in response.json()["results"]] == [
        str(latest.pk),
        str(middle.pk),
        str(earliest.pk),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"client": "not-a-uuid"}, "client"),
        ({"administered_after": "yesterday"}, "administered_after"),
        ({"administered_before": "2025-13-01"}, "administered_before"),
    ],
)
def test_malformed_filters_are_a_400_naming_them(as_user, clinician, params, field):
    response = as_user(clinician).get(ASSESSMENTS, params)
    assert response.status_code == 400
    assert error_fields(response) == [field]


@pytest.mark.parametrize(
    "url",
    [
        f"{ASSESSMENTS}not-a-uuid/",
        "/api/v1/risk-flags/not-a-uuid/",
        "/api/v1/clients/not-a-uuid/progress/",
    ],
)
def test_a_malformed_id_is_404(as_user, clinician, url):
    response = as_user(clinician).get(url)
    assert response.status_code == 404
    assert error_fields(response) == []
