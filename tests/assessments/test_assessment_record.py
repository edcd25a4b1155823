"""Recording, scoring, refusing and voiding administrations through /api/v1/assessments/."""

import datetime
import uuid

import pytest
from django.utils import timezone

from assessments.models import Assessment, RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    DAY,
    INSTRUMENTS_URL,
    responses_scoring,
)
from tests.assessments.test_instruments import EXPECTED_ITEMS
from tests.factories import ClientFactory, SessionFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

ROOTS = [
    "early_childhood",
    "social_comparison",
    "past_failures",
    "relationship_dynamics",
    "perfectionism",
]
# PHQ-9 with item 9 at 2: a leak of any refused write would leave a risk flag behind too.
RISKY_PHQ9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]


def body_for(client, /, **overrides) -> dict:
    body = {
        "client": str(client.pk),
        "instrument": "phq9",
        "administered_on": DAY.isoformat(),
        "source": "clinician",
        "responses": list(RISKY_PHQ9),
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def detail(pk) -> str:
    return f"{ASSESSMENTS}{pk}/"


def void(api, pk, reason):
    return api.post(f"{detail(pk)}void/", {"reason": reason}, format="json")


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Scoring, stored and returned -------------------------------------------------------------


def test_worked_example_phq9_moderate_is_scored_stored_and_returned(
    as_user, clinician, client_record
):
    api = as_user(clinician)
    response = api.post(
        ASSESSMENTS, body_for(client_record, responses=[1, 2, 0, 3, 1, 0, 2, 1, 0]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_score"] == 10
    assert body["severity"] == "moderate"
    assert body["subscores"] == {}
    assert body["flags"] == []
    assert body["responses"] == [1, 2, 0, 3, 1, 0, 2, 1, 0]
    assert body["recorded_by"] == str(clinician.pk)
    assert body["client"] == str(client_record.pk)
    assert (body["voided_at"], body["voided_by"], body["void_reason"]) == (None, None, "")

    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.total_score, stored.severity, stored.flags) == (10, "moderate", [])
    assert stored.recorded_by == clinician
    assert not RiskFlag.objects.exists()
    assert api.get(detail(body["id"])).json() == body


def test_worked_example_phq9_item_9_alone_is_minimal_and_flagged(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, responses=[0, 0, 0, 0, 0, 0, 0, 0, 1]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (1, "minimal", ["risk"])
    (flag,) = RiskFlag.objects.all()
    assert str(flag.assessment_id) == body["id"]


@pytest.mark.parametrize(
    ("responses", "total", "severity"),
    [
        ([3, 0, 3, 3, 0, 0, 3, 0, 0, 3], 30, "high"),
        ([3] * 10, 15, "normal"),
        ([0] * 10, 15, "normal"),
        ([0, 3, 0, 0, 3, 3, 0, 3, 3, 0], 0, "low"),
    ],
)
def test_worked_examples_rses_through_the_api(
    as_user, clinician, client_record, responses, total, severity
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, instrument="rses", responses=responses), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (total, severity, [])
    assert Assessment.objects.get(pk=body["id"]).total_score == total


def test_gad7_is_scored_and_banded(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(client_record, instrument="gad7", responses=[3, 3, 3, 3, 3, 0, 0]),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["flags"]) == (15, "severe", [])
    assert not RiskFlag.objects.exists()


def test_roots5_stores_subscores_by_root_and_no_severity(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(client_record, instrument="roots5", responses=[7, 0, 10, 3, 9]),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_score"] == 29
    assert body["severity"] is None
    assert body["subscores"] == dict(zip(ROOTS, [7, 0, 10, 3, 9], strict=True))
    assert list(body["subscores"]) == ROOTS
    assert Assessment.objects.get(pk=body["id"]).subscores == body["subscores"]


def test_session_source_and_today_are_kept(as_user, clinician, client_record, session_record):
    today = timezone.localdate()
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(
            client_record,
            session=str(session_record.pk),
            source="self_report",
            administered_on=today.isoformat(),
            responses=[0] * 9,
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["session"], body["source"]) == (str(session_record.pk), "self_report")
    assert body["administered_on"] == today.isoformat()
    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.session, stored.source, stored.administered_on) == (
        session_record,
        "self_report",
        today,
    )


def test_a_care_team_member_records_in_their_own_name(as_user, care_team_member, client_record):
    response = as_user(care_team_member).post(
        ASSESSMENTS, body_for(client_record, responses=[0] * 9), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == str(care_team_member.pk)


def test_scores_sent_by_the_caller_are_ignored(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS,
        body_for(
            client_record,
            responses=[0] * 9,
            total_score=27,
            severity="severe",
            flags=[],
            subscores={"perfectionism": 10},
            recorded_by=str(uuid.uuid4()),
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total_score"], body["severity"], body["subscores"]) == (0, "minimal", {})
    assert body["recorded_by"] == str(clinician.pk)


# --- Refused writes: 400 naming the field, nothing stored ------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"responses": [0] * 8}, "responses"),
        ({"responses": [0] * 10}, "responses"),
        ({"responses": []}, "responses"),
        ({"responses": [0, 0, 0, 0, 0, 0, 2]}, "responses"),  # a GAD-7 vector sent as PHQ-9
        ({"responses": [1, 2, 0, 4, 1, 0, 2, 1, 2]}, "responses.3"),
        ({"responses": [-1, 2, 0, 3, 1, 0, 2, 1, 2]}, "responses.0"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 10]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, "2"]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 2.5]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, 2.0]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, True]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, None]}, "responses.8"),
        ({"responses": [1, 2, 0, 3, 1, 0, 2, 1, [2]]}, "responses.8"),
        ({"responses": "1,2,0,3,1,0,2,1,2"}, "responses"),
        ({"responses": None}, "responses"),
        ({"responses": ...}, "responses"),
        ({"instrument": "bdi2"}, "instrument"),
        ({"instrument": "PHQ9"}, "instrument"),
        ({"instrument": ...}, "instrument"),
        ({"administered_on": "03/03/2025"}, "administered_on"),
        ({"administered_on": ...}, "administered_on"),
        ({"source": "robot"}, "source"),
        ({"client": str(uuid.uuid4())}, "client"),
        ({"client": ...}, "client"),
    ],
)
def test_invalid_administrations_are_refused_naming_the_field(
    as_user, clinician, client_record, snapshot, overrides, field
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, **overrides), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == [field]
    assert response.json()["type"] == "urn:rootwise:problem:validation-error"
    assert snapshot() == {"assessments": [], "risk_flags": []}


@pytest.mark.parametrize(
    ("code", "responses", "field"),
    [
        ("gad7", [0, 0, 0, 0, 0, 0, 0, 0, 1], "responses"),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], "responses.6"),
        ("rses", [0, 0, 0, 0, 0, 4, 0, 0, 0, 0], "responses.5"),
        ("roots5", [0, 0, 11, 0, 0], "responses.2"),
        ("roots5", [0, 0, 0, 0, 0, 0], "responses"),
    ],
)
def test_each_instrument_checks_its_own_items_and_options(
    as_user, clinician, client_record, snapshot, code, responses, field
):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, instrument=code, responses=responses), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == [field]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_several_bad_answers_are_each_named(as_user, clinician, client_record):
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, responses=[4, 0, 0, 0, 9, 0, 0, 0, 0]), format="json"
    )
    assert response.status_code == 400
    assert sorted(error_fields(response)) == ["responses.0", "responses.4"]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("days_ahead", [1, 400])
def test_a_future_date_is_refused(as_user, clinician, client_record, snapshot, days_ahead):
    future = timezone.localdate() + datetime.timedelta(days=days_ahead)
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, administered_on=future.isoformat()), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["administered_on"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_a_session_of_another_client_is_refused(as_user, clinician, client_record, snapshot):
    other_client = ClientFactory(primary_clinician=clinician)
    their_session = SessionFactory(client=other_client)
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, session=str(their_session.pk)), format="json"
    )
    assert response.status_code == 409, response.content
    assert error_fields(response) == ["session"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


def test_a_session_the_caller_cannot_see_is_refused(as_user, clinician, client_record, snapshot):
    unseen_session = SessionFactory()  # another clinician's client, in another practice
    response = as_user(clinician).post(
        ASSESSMENTS, body_for(client_record, session=str(unseen_session.pk)), format="json"
    )
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["session"]
    assert snapshot() == {"assessments": [], "risk_flags": []}


# --- Never edited or deleted --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_administrations_cannot_be_edited_or_deleted(
    as_user, clinician, client_record, administer, snapshot, method
):
    created = administer(client_record, "phq9", RISKY_PHQ9)
    before = snapshot()
    api = as_user(clinician)
    response = getattr(api, method)(
        detail(created["id"]),
        body_for(client_record, responses=[0] * 9),
        format="json",
    )
    assert response.status_code == 405, response.content
    assert error_fields(response) == []
    assert response.json()["type"] == "urn:rootwise:problem:method-not-allowed"
    assert snapshot() == before


# --- Void ---------------------------------------------------------------------------------------


def test_void_keeps_the_record_with_who_when_and_why(as_user, clinician, client_record, administer):
    created = administer(client_record, "phq9", [1] * 9)
    before = timezone.now()
    response = as_user(clinician).post(
        f"{detail(created['id'])}void/", {"reason": "Entered for the wrong client."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["voided_by"] == str(clinician.pk)
    assert body["void_reason"] == "Entered for the wrong client."
    assert body["voided_at"] is not None
    stored = Assessment.objects.get(pk=created["id"])
    assert before <= stored.voided_at <= timezone.now()
    assert (stored.voided_by, stored.void_reason) == (clinician, "Entered for the wrong client.")
    # Everything else is as recorded.
    assert (stored.total_score, stored.responses, stored.severity) == (9, [1] * 9, "mild")


def test_voided_administrations_are_listed_only_on_request(
    as_user, clinician, client_record, administer
):
    kept = administer(client_record, "gad7", [1] * 7)
    voided = administer(client_record, "gad7", [2] * 7, same_day_reason="Entered twice.")
    api = as_user(clinician)
    assert void(api, voided["id"], "Duplicate.").status_code == 200

    assert ids(api.get(ASSESSMENTS)) == {kept["id"]}
    assert ids(api.get(ASSESSMENTS, {"include_voided": "false"})) == {kept["id"]}
    listed = api.get(ASSESSMENTS, {"include_voided": "true"})
    assert ids(listed) == {kept["id"], voided["id"]}
    (row,) = [r for r in listed.json()["results"] if r["id"] == voided["id"]]
    assert (row["void_reason"], row["voided_by"]) == ("Duplicate.", str(clinician.pk))


def test_a_voided_administration_can_still_be_read(as_user, clinician, client_record, administer):
    created = administer(client_record, "phq9", [0] * 8 + [1])
    api = as_user(clinician)
    assert void(api, created["id"], "Duplicate.").status_code == 200
    response = api.get(detail(created["id"]))
    assert response.status_code == 200, response.content
    assert response.json()["void_reason"] == "Duplicate."


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_void_needs_a_reason(as_user, clinician, client_record, administer, snapshot, payload):
    created = administer(client_record, "phq9", [1] * 9)
    before = snapshot()
    response = as_user(clinician).post(f"{detail(created['id'])}void/", payload, format="json")
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["reason"]
    assert snapshot() == before
    assert Assessment.objects.get(pk=created["id"]).voided_at is None


def test_voiding_twice_is_a_conflict(as_user, clinician, client_record, administer, snapshot):
    created = administer(client_record, "phq9", [1] * 9)
    api = as_user(clinician)
    assert void(api, created["id"], "First.").status_code == 200
    before = snapshot()
    response = void(api, created["id"], "Second.")
    assert snapshot() == before
    assert Assessment.objects.get(pk=created["id"]).void_reason == "First."
    assert response.status_code == 409, response.content
    assert error_fields(response) == []


def test_voiding_twice_changes_nothing(as_user, clinician, client_record, administer, snapshot):
    """A second void never overwrites the first (its status code: see the test above)."""
    created = administer(client_record, "phq9", [1] * 9)
    api = as_user(clinician)
    assert void(api, created["id"], "First.").status_code == 200
    before = snapshot()
    void(api, created["id"], "Second.")
    assert snapshot() == before
    stored = Assessment.objects.get(pk=created["id"])
    assert (stored.void_reason, stored.voided_by) == ("First.", clinician)


# --- Filters, pagination, query counts ----------------------------------------------------------


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


def test_responses_scoring_helper_matches_the_spec():
    # The helper that builds vectors for other tests must itself be right.
    assert responses_scoring("phq9", 18) == [3, 3, 3, 3, 3, 3, 0, 0, 0]
    assert responses_scoring("rses", 30) == [3, 0, 3, 3, 0, 0, 3, 0, 0, 3]


# --- The instruments as the API serves them -----------------------------------------------------


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
    assert [item["root"] for item in roots5["items"]] == ROOTS
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


def test_the_instrument_list_needs_no_database_query(clinician, as_user, django_assert_num_queries):
    api = as_user(clinician)

    with django_assert_num_queries(0):
        response = api.get(INSTRUMENTS_URL)

    assert [instrument["code"] for instrument in response.json()] == [
        "phq9", "gad7", "rses", "roots5",
    ]  # fmt: skip
