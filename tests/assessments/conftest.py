"""Fixtures for the assessment tests: response vectors built from docs/instruments.md (not from the
code under test), administrations recorded through the API or the service, people outside the
caseload, snapshots of everything stored; the instruments' item texts, request bodies and readers
shared by the API tests, and unsaved administrations for the paired-outcome functions."""

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


# --- Recording through the API and reading progress ----------------------------------------------

# The item texts of docs/instruments.md, word for word: the registry and the instrument endpoint
# must both reproduce them exactly.
EXPECTED_ITEMS = {
    "phq9": [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ],
    "gad7": [
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ],
    "rses": [
        "On the whole, I am satisfied with myself.",
        "At times I think I am no good at all.",
        "I feel that I have a number of good qualities.",
        "I am able to do things as well as most other people.",
        "I feel I do not have much to be proud of.",
        "I certainly feel useless at times.",
        "I feel that I'm a person of worth, at least on an equal plane with others.",
        "I wish I could have more respect for myself.",
        "All in all, I am inclined to feel that I am a failure.",
        "I take a positive attitude toward myself.",
    ],
    "roots5": [
        "Memories or patterns from early childhood",
        "Comparing yourself with others, including on social media",
        "Past failures or rejections",
        "How you are treated in close relationships",
        "Holding yourself to standards you cannot meet",
    ],
}


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


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def progress_url(client) -> str:
    return f"/api/v1/clients/{client.pk}/progress/"


def outcome(body: dict, code: str) -> dict:
    (found,) = [row for row in body["instruments"] if row["instrument"] == code]
    return found


@pytest.fixture
def progress(as_user, clinician, client_record):
    """`progress()`: the client's progress as their clinician reads it."""

    def read(client=None, user=None):
        response = as_user(user or clinician).get(progress_url(client or client_record))
        assert response.status_code == 200, response.content
        return response.json()

    return read


# --- Paired outcomes through the functions -------------------------------------------------------

# docs/instruments.md: the pairing window.
WINDOW_DAYS = 7
START = datetime.date(2025, 1, 6)
OUTCOME_KEYS = (
    "caseness_at_baseline",
    "recovery",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)


def administration(code: str, total: int, on: datetime.date) -> Assessment:
    """An unsaved administration, as progress reads them."""
    return Assessment(instrument=code, total_score=total, administered_on=on)


def as_read(*administrations: Assessment) -> list[Assessment]:
    """Administrations in the order progress reads them: by date, then as recorded."""
    return sorted(administrations, key=lambda a: a.administered_on)


def outcomes(result: dict) -> tuple:
    return tuple(result[key] for key in OUTCOME_KEYS)
