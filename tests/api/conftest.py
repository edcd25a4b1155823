"""Shared by the API tests: what the staff, error-response and encryption tests each share
between their modules (an admin's client, the staff URLs, a client that answers a crash with
its 500, and clinical free text written through the API under a known key)."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from rest_framework.test import APIClient

from api.auth.models import User
from assessments.models import Assessment, RiskFlag
from clients.models import PresentingRoot
from sessions.homework.models import Homework
from sessions.models import Addendum, Session

# --- Staff ---------------------------------------------------------------------------------------

USERS_URL = "/api/v1/users/"


def user_url(user: User, action: str = "") -> str:
    return f"{USERS_URL}{user.pk}/" + (f"{action}/" if action else "")


def stored(user: User) -> dict:
    """Every stored column of `user`, to compare before and after a refused request."""
    return User.objects.values().get(pk=user.pk)


def ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def admin_api(admin, as_user) -> APIClient:
    """An API client signed in as `admin` (named apart from pytest-django's `admin_client`)."""
    return as_user(admin)


@pytest.fixture(params=["clinician", "supervisor"])
def clinical_user(request) -> User:
    """Each role that may look at staff but not change them."""
    return request.getfixturevalue(request.param)


# --- Error responses -----------------------------------------------------------------------------


@pytest.fixture
def lenient_client() -> APIClient:
    """A client that returns the 500 response instead of re-raising the view's exception."""
    return APIClient(raise_request_exception=False)


# --- Clinical free text encrypted at rest --------------------------------------------------------

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
SENTINEL = "Sentinel-7c41 «I can't ever get it right» 🙂"

CLIENTS = "/api/v1/clients/"
SESSIONS = "/api/v1/sessions/"
HOMEWORK = "/api/v1/homework/"
ASSESSMENTS = "/api/v1/assessments/"
RISK_FLAGS = "/api/v1/risk-flags/"

# Each encrypted column, by model.
COLUMNS = {
    PresentingRoot: "note",
    Session: "note_sections",
    Addendum: "text",
    Homework: "outcome_note",
    Assessment: "void_reason",
    RiskFlag: "acknowledgement_note",
}


def answered(response, status: int = 201) -> dict:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def key_a(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    return settings


@pytest.fixture
def written(key_a, clinician, as_user) -> dict:
    """SENTINEL written through the API into each kind of clinical free text, with key A; the
    records as the API answered them, by model."""
    api = as_user(clinician)
    root = {"root": "perfectionism", "severity": 3, "is_primary": True, "note": f"R {SENTINEL}"}
    client = answered(
        api.post(
            CLIENTS,
            {"given_name": "Ada", "family_name": "Byron", "presenting_roots": [root]},
            format="json",
        )
    )
    note = {"format": "narrative", "text": f'  {SENTINEL}\n\t"quoted" \\ and trailing  '}
    session = answered(
        api.post(
            SESSIONS,
            {
                "client": client["id"],
                "starts_at": "2025-06-02T09:00:00Z",
                "duration_minutes": 50,
                "modality": "video",
                "kind": "individual",
                "status": "completed",
                "note": note,
            },
            format="json",
        )
    )
    answered(api.post(f"{SESSIONS}{session['id']}/sign/"), 200)
    addendum = answered(
        api.post(f"{SESSIONS}{session['id']}/addenda/", {"text": f"A {SENTINEL}"}, format="json")
    )
    homework = answered(
        api.post(
            HOMEWORK,
            {
                "client": client["id"],
                "strategy": "self_reflection",
                "title": f"T {SENTINEL}",
                "instructions": f"I {SENTINEL}",
            },
            format="json",
        )
    )
    homework = answered(
        api.post(
            f"{HOMEWORK}{homework['id']}/complete/",
            {"outcome_note": f"H {SENTINEL}"},
            format="json",
        ),
        200,
    )
    assessment = answered(
        api.post(
            ASSESSMENTS,
            {
                "client": client["id"],
                "instrument": "phq9",
                "administered_on": "2025-06-02",
                "responses": [0] * 8 + [1],  # item 9 raises a risk flag
            },
            format="json",
        )
    )
    flag = RiskFlag.objects.get(assessment_id=assessment["id"])
    flag = answered(
        api.post(f"{RISK_FLAGS}{flag.pk}/acknowledge/", {"note": f"F {SENTINEL}"}, format="json"),
        200,
    )
    assessment = answered(
        api.post(
            f"{ASSESSMENTS}{assessment['id']}/void/", {"reason": f"V {SENTINEL}"}, format="json"
        ),
        200,
    )
    return {
        PresentingRoot: client,
        Session: session,
        Addendum: addendum,
        Homework: homework,
        Assessment: assessment,
        RiskFlag: flag,
    }


def texts_written(written: dict) -> dict:
    """The free text of each record, as the API answered when it was written."""
    return {
        PresentingRoot: written[PresentingRoot]["presenting_roots"][0]["note"],
        Session: written[Session]["note"],
        Addendum: written[Addendum]["text"],
        Homework: written[Homework]["outcome_note"],
        Assessment: written[Assessment]["void_reason"],
        RiskFlag: written[RiskFlag]["acknowledgement_note"],
    }


def texts_read_back(api, written: dict) -> dict:
    """The free text of each record of `written`, read again through the API."""

    def get(url: str, pk: str) -> dict:
        return answered(api.get(f"{url}{pk}/"), 200)

    session = get(SESSIONS, written[Session]["id"])
    return {
        PresentingRoot: get(CLIENTS, written[PresentingRoot]["id"])["presenting_roots"][0]["note"],
        Session: session["note"],
        Addendum: session["addenda"][0]["text"],
        Homework: get(HOMEWORK, written[Homework]["id"])["outcome_note"],
        Assessment: get(ASSESSMENTS, written[Assessment]["id"])["void_reason"],
        RiskFlag: get(RISK_FLAGS, written[RiskFlag]["id"])["acknowledgement_note"],
    }


def raw_values(model) -> dict:
    """The encrypted column of every row of `model`, as stored, by primary key (as text)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(COLUMNS[model]).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608
        return {str(pk).replace("-", ""): value for pk, value in cursor.fetchall()}


def fernet_tokens(model) -> list[str]:
    tokens = [value for value in raw_values(model).values() if value]
    assert tokens, f"{model.__name__} has nothing stored"
    return tokens
