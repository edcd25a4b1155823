"""The instruments as /api/v1/instruments/ serves them: the exact items, every number behind the
scoring, the same definitions in the list, and no database query."""

import pytest

from tests.assessments.conftest import (
    EXPECTED_ITEMS,
    INSTRUMENTS_URL,
    ROOT_ORDER,
)
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_the_instrument_endpoint_serves_the_exact_items(as_user, clinician, code):
    response = as_user(clinician).get(f"{INSTRUMENTS_URL}{code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == code
    assert [item["text"] for item in body["items"]] == EXPECTED_ITEMS[code]
    assert [item["number"] for item in body["items"]] == list(
        range(1, len(EXPECTED_ITEMS[code]) + 1)
    )


def test_the_instrument_endpoint_serves_every_number_behind_phq9(as_user, clinician):
    body = as_user(clinician).get(f"{INSTRUMENTS_URL}phq9/").json()
    assert (body["min_score"], body["max_score"], body["direction"]) == (0, 27, "lower_is_better")
    assert [(o["value"], o["label"]) for o in body["options"]] == [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    assert [(b["code"], b["min_score"], b["max_score"]) for b in body["bands"]] == [
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("moderately_severe", 15, 19),
        ("severe", 20, 27),
    ]
    cutoff = body["clinical_cutoff"]
    assert (cutoff["threshold"], cutoff["case_when"]) == (10, "at_or_above")
    change = body["reliable_change"]
    assert (change["threshold"], change["sd"], change["reliability"]) == (6, 5.5, 0.89)
    assert "NHS Talking Therapies" in change["source"]
    assert body["loinc"] == {"panel": "44249-1", "total": "44261-6", "items": {"9": "44260-8"}}
    assert [(r["item"], r["min_value"], r["flag"]) for r in body["risk_rules"]] == [(9, 1, "risk")]
    assert not any(item["reverse_scored"] for item in body["items"])


def test_the_instrument_endpoint_serves_gad7_rses_and_roots5_parameters(as_user, clinician):
    api = as_user(clinician)
    gad7 = api.get(f"{INSTRUMENTS_URL}gad7/").json()
    assert gad7["loinc"] == {"panel": "69737-5", "total": "70274-6", "items": {}}
    assert (gad7["clinical_cutoff"]["threshold"], gad7["reliable_change"]["threshold"]) == (8, 4)
    assert gad7["reliable_change"]["sd"] == 4.5

    rses = api.get(f"{INSTRUMENTS_URL}rses/").json()
    assert rses["loinc"] is None
    assert [item["number"] for item in rses["items"] if item["reverse_scored"]] == [2, 5, 6, 8, 9]
    assert (rses["clinical_cutoff"]["threshold"], rses["clinical_cutoff"]["case_when"]) == (
        15,
        "below",
    )
    change = rses["reliable_change"]
    assert (change["threshold"], change["sd"], change["reliability"]) == (6, 5.0, 0.85)
    assert (rses["direction"], rses["max_score"]) == ("higher_is_better", 30)
    assert "not official" in rses["notes"]

    roots5 = api.get(f"{INSTRUMENTS_URL}roots5/").json()
    assert [item["root"] for item in roots5["items"]] == ROOT_ORDER
    assert [o["value"] for o in roots5["options"]] == list(range(11))
    assert (roots5["bands"], roots5["clinical_cutoff"], roots5["reliable_change"]) == (
        [],
        None,
        None,
    )
    assert roots5["loinc"] is None
    assert (roots5["min_score"], roots5["max_score"]) == (0, 50)


def test_the_instrument_list_serves_the_same_definitions(as_user, clinician):
    api = as_user(clinician)
    listed = api.get(INSTRUMENTS_URL).json()
    assert [row["code"] for row in listed] == ["phq9", "gad7", "rses", "roots5"]
    for row in listed:
        assert api.get(f"{INSTRUMENTS_URL}{row['code']}/").json() == row


def test_an_unknown_instrument_is_404(as_user, clinician):
    response = as_user(clinician).get(f"{INSTRUMENTS_URL}bdi2/")
    assert response.status_code == 404
    assert error_fields(response) == []


def test_the_instrument_list_needs_no_database_query(clinician, as_user, django_assert_num_queries):
    api = as_user(clinician)

    with django_assert_num_queries(0):
        response = api.get(INSTRUMENTS_URL)

    assert [instrument["code"] for instrument in response.json()] == [
        "phq9", "gad7", "rses", "roots5",
    ]  # fmt: skip
