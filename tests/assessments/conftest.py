"""Fixtures for the assessment tests: response vectors built from docs/instruments.md (not from the
code under test), administrations recorded through the API or the service, people outside the
caseload, and snapshots of everything stored."""

import datetime

import pytest

from assessments import services
from assessments.models import Assessment, RiskFlag

ASSESSMENTS = "/api/v1/assessments/"
RISK_FLAGS = "/api/v1/risk-flags/"
INSTRUMENTS_URL = "/api/v1/instruments/"

# From docs/instruments.md: number of items, the option values, and the reverse-scored items.
SPEC = {
    "phq9": {"items": 9, "options": range(0, 4), "reversed": frozenset()},
    "gad7": {"items": 7, "options": range(0, 4), "reversed": frozenset()},
    "rses": {"items": 10, "options": range(0, 4), "reversed": frozenset({2, 5, 6, 8, 9})},
    "roots5": {"items": 5, "options": range(0, 11), "reversed": frozenset()},
}
ROOT_ORDER = [
    "early_childhood",
    "social_comparison",
    "past_failures",
    "relationship_dynamics",
    "perfectionism",
]

DAY = datetime.date(2025, 3, 3)


def spec_item_score(code: str, number: int, value: int) -> int:
    """An item's score by docs/instruments.md: reverse-scored items count max + min - value."""
    options = SPEC[code]["options"]
    if number in SPEC[code]["reversed"]:
        return max(options) + min(options) - value
    return value


def spec_total(code: str, responses: list[int]) -> int:
    return sum(
        spec_item_score(code, number, value) for number, value in enumerate(responses, start=1)
    )


def responses_scoring(code: str, total: int, **fixed: int) -> list[int]:
    """A valid response vector for `code` whose total is `total`, by docs/instruments.md's rules.

    `item9=0` (the default for PHQ-9) keeps item 9 at a value of our choosing, so that a vector
    raises a risk flag only when a test means it to."""
    spec = SPEC[code]
    pinned = {int(key.removeprefix("item")): value for key, value in fixed.items()}
    if code == "phq9":
        pinned.setdefault(9, 0)
    top = max(spec["options"])
    remaining = total - sum(spec_item_score(code, n, v) for n, v in pinned.items())
    responses = []
    for number in range(1, spec["items"] + 1):
        if number in pinned:
            responses.append(pinned[number])
            continue
        item_score = min(top, remaining)
        remaining -= item_score
        # An item score maps back to the answer that earns it (reverse scoring is symmetric).
        responses.append(spec_item_score(code, number, item_score))
    assert remaining == 0, f"{code} cannot total {total} with {fixed}"
    assert spec_total(code, responses) == total
    return responses


@pytest.fixture
def administer(as_user):
    """`administer(client, code, responses, on=date, by=user, **fields)`: POST an administration
    as `by` (default: the client's primary clinician); asserts 201 and returns the body."""

    def post(client, code, responses, *, on=DAY, by=None, **fields):
        api = as_user(by or client.primary_clinician)
        body = {
            "client": str(client.pk),
            "instrument": code,
            "administered_on": on.isoformat(),
            "source": "clinician",
            "responses": responses,
            **fields,
        }
        response = api.post(ASSESSMENTS, body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return post


@pytest.fixture
def record():
    """`record(client, code, responses, on=date, by=user)`: an administration recorded through
    the service (the API's own write path), for tests that need many of them quickly."""

    def create(client, code, responses, *, on=DAY, by=None, **fields) -> Assessment:
        return services.assessment_record(
            by=by or client.primary_clinician,
            client=client,
            instrument=code,
            responses=responses,
            administered_on=on,
            **fields,
        )

    return create


def stored_assessments() -> list[dict]:
    """Every stored administration, every column, read afresh."""
    fields = [field.attname for field in Assessment._meta.concrete_fields]
    return list(Assessment.objects.order_by("pk").values(*fields))


def stored_flags() -> list[dict]:
    """Every stored risk flag, every column, read afresh."""
    fields = [field.attname for field in RiskFlag._meta.concrete_fields]
    return list(RiskFlag.objects.order_by("pk").values(*fields))


def stored_state() -> dict:
    return {"assessments": stored_assessments(), "risk_flags": stored_flags()}


@pytest.fixture
def snapshot():
    """`snapshot()`: everything stored about assessments and risk flags, for before/after."""
    return stored_state
