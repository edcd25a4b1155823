"""Properties of scoring that hold for every response vector, checked with hypothesis.

The oracle is docs/instruments.md (item counts, option values, reverse-scored items, as copied into
`tests/assessments/conftest.py`), never the modules under test.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.instruments import INSTRUMENTS
from assessments.models import Assessment, RiskFlag
from tests.assessments.conftest import (
    ASSESSMENTS,
    DAY,
    ROOT_ORDER,
    SPEC,
    spec_total,
)
from tests.helpers import error_fields

CODES = list(SPEC)
UNIT = settings(max_examples=100, database=None)
DB = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def valid_vectors(code: str):
    spec = SPEC[code]
    return st.lists(
        st.sampled_from(list(spec["options"])), min_size=spec["items"], max_size=spec["items"]
    )


def wrong_length_vectors(code: str):
    spec = SPEC[code]
    return st.lists(st.sampled_from(list(spec["options"])), max_size=spec["items"] + 6).filter(
        lambda vector: len(vector) != spec["items"]
    )


def outside_values(code: str):
    options = SPEC[code]["options"]
    return st.integers(max_value=min(options) - 1) | st.integers(min_value=max(options) + 1)


@st.composite
def out_of_range_vectors(draw, code: str):
    """A vector of the right length with at least one value outside the options; returns the
    vector and the indices of its bad values."""
    vector = draw(valid_vectors(code))
    bad = draw(st.sets(st.integers(min_value=0, max_value=len(vector) - 1), min_size=1, max_size=3))
    for index in bad:
        vector[index] = draw(outside_values(code))
    return vector, bad


@pytest.mark.parametrize("code", CODES)
@UNIT
@given(data=st.data())
def test_every_valid_vector_scores_inside_the_range(code, data):
    instrument = INSTRUMENTS[code]
    responses = data.draw(valid_vectors(code))
    total = instrument.score(responses).total
    assert instrument.min_score <= total <= instrument.max_score
    assert total == spec_total(code, responses)
    assert instrument.validation_errors(responses) == {}


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
@UNIT
@given(data=st.data())
def test_every_valid_vector_falls_in_exactly_one_band(code, data):
    instrument = INSTRUMENTS[code]
    score = instrument.score(data.draw(valid_vectors(code)))
    containing = [b.code for b in instrument.bands if b.min_score <= score.total <= b.max_score]
    assert containing == [score.severity]


def test_roots5_vectors_have_no_band():
    # No bands at all, so every vector's severity is None (checked across the whole range).
    roots5 = INSTRUMENTS["roots5"]
    for value in range(11):
        assert roots5.score([value] * 5).severity is None


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_bands_cover_the_range_without_gaps_or_overlaps(code):
    instrument = INSTRUMENTS[code]
    bands = sorted(instrument.bands, key=lambda band: band.min_score)
    assert bands[0].min_score == instrument.min_score
    assert bands[-1].max_score == instrument.max_score
    for lower, upper in itertools.pairwise(bands):
        assert lower.min_score <= lower.max_score
        assert upper.min_score == lower.max_score + 1, (lower, upper)


@pytest.mark.parametrize("code", CODES)
@UNIT
@given(data=st.data())
def test_wrong_length_vectors_are_refused(code, data):
    responses = data.draw(wrong_length_vectors(code))
    assert list(INSTRUMENTS[code].validation_errors(responses)) == [None]


@pytest.mark.parametrize("code", CODES)
@UNIT
@given(data=st.data())
def test_values_outside_the_options_are_refused_by_index(code, data):
    responses, bad = data.draw(out_of_range_vectors(code))
    assert set(INSTRUMENTS[code].validation_errors(responses)) == bad


@UNIT
@given(responses=valid_vectors("rses"))
def test_rses_mirrored_answers_score_thirty_minus_the_total(responses):
    # Mirroring every answer (v -> 3 - v) swaps each item score s for 3 - s, so the two totals
    # always add up to 10 items x 3 = 30.
    rses = INSTRUMENTS["rses"]
    mirrored = [3 - value for value in responses]
    assert rses.score(responses).total == 30 - rses.score(mirrored).total


@UNIT
@given(responses=valid_vectors("rses"))
def test_rses_reverse_scores_items_2_5_6_8_9_only(responses):
    expected = sum(
        3 - value if number in {2, 5, 6, 8, 9} else value
        for number, value in enumerate(responses, start=1)
    )
    assert INSTRUMENTS["rses"].score(responses).total == expected


@UNIT
@given(value=st.integers(min_value=0, max_value=3))
def test_rses_the_same_answer_throughout_scores_15(value):
    assert INSTRUMENTS["rses"].score([value] * 10).total == 15


@pytest.mark.parametrize("code", ["phq9", "gad7", "roots5"])
@UNIT
@given(data=st.data())
def test_unreversed_instruments_total_the_answers(code, data):
    responses = data.draw(valid_vectors(code))
    assert INSTRUMENTS[code].score(responses).total == sum(responses)


@UNIT
@given(responses=valid_vectors("phq9"))
def test_phq9_risk_flag_iff_item_9_above_zero(responses):
    flags = INSTRUMENTS["phq9"].score(responses).flags
    assert (flags == ["risk"]) is (responses[8] > 0)
    assert flags in ([], ["risk"])


@pytest.mark.parametrize("code", ["gad7", "rses", "roots5"])
@UNIT
@given(data=st.data())
def test_other_instruments_never_flag(code, data):
    assert INSTRUMENTS[code].score(data.draw(valid_vectors(code))).flags == []


@UNIT
@given(responses=valid_vectors("roots5"))
def test_roots5_subscores_are_the_answers_by_root(responses):
    subscores = INSTRUMENTS["roots5"].score(responses).subscores
    assert list(subscores.items()) == list(zip(ROOT_ORDER, responses, strict=True))


# --- Through the API ------------------------------------------------------------------------


def post(api, client, code, responses, **fields):
    return api.post(
        ASSESSMENTS,
        {
            "client": str(client.pk),
            "instrument": code,
            "administered_on": DAY.isoformat(),
            "source": "self_report",
            "responses": responses,
            **fields,
        },
        format="json",
    )


@pytest.mark.django_db
@DB
@given(
    data=st.data(),
    code=st.sampled_from(CODES),
    wrong_length=st.booleans(),
)
def test_the_api_refuses_every_invalid_vector_and_stores_nothing(
    as_user, clinician, client_record, data, code, wrong_length
):
    if wrong_length:
        responses, expected = data.draw(wrong_length_vectors(code)), ["responses"]
    else:
        responses, bad = data.draw(out_of_range_vectors(code))
        # Each error names its item ("Item 5: ..."), so every bad answer is its own problem.
        expected = [f"responses.{index}" for index in sorted(bad)]
    response = post(as_user(clinician), client_record, code, responses)
    assert response.status_code == 400, response.content
    assert sorted(error_fields(response)) == sorted(expected)
    assert not Assessment.objects.exists()
    assert not RiskFlag.objects.exists()


@pytest.mark.django_db
@DB
@given(data=st.data(), code=st.sampled_from(CODES))
def test_the_api_stores_the_score_of_every_valid_vector(
    as_user, clinician, client_record, data, code
):
    responses = data.draw(valid_vectors(code))
    # Every example is recorded on the same day: each after the first needs a reason.
    reason = "Another vector on the same day."
    response = post(as_user(clinician), client_record, code, responses, same_day_reason=reason)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["responses"] == responses
    assert body["total_score"] == spec_total(code, responses)
    stored = Assessment.objects.get(pk=body["id"])
    assert (stored.total_score, stored.responses) == (body["total_score"], responses)
    flagged = code == "phq9" and responses[8] > 0
    assert body["flags"] == (["risk"] if flagged else [])
    assert RiskFlag.objects.filter(assessment=stored).count() == (1 if flagged else 0)
