"""Clinical free text is encrypted at rest with keys of its own: the API reads back exactly what
was written, the tables hold only ciphertext, and `rotate_encryption_keys` moves everything to a
new key."""

import base64
import hashlib
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from api.encryption import DecryptionError, check_field_keys, encrypted_fields
from assessments.models import Assessment, RiskFlag
from clients.models import PresentingRoot
from sessions.models import Addendum, Homework, Session

pytestmark = pytest.mark.django_db

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


def raw_rows(model) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchall()


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


# --- Round trip and ciphertext at rest ---------------------------------------------------------


def test_the_api_reads_back_exactly_what_was_written(written, clinician, as_user):
    texts = texts_written(written)
    assert texts[Session]["text"] == f'  {SENTINEL}\n\t"quoted" \\ and trailing  '
    assert all(SENTINEL in text for model, text in texts.items() if model is not Session)

    assert texts_read_back(as_user(clinician), written) == texts


@pytest.mark.parametrize("model", list(COLUMNS), ids=lambda model: model.__name__)
def test_the_table_holds_no_plaintext(model, written):
    rows = raw_rows(model)

    assert rows
    assert not any("Sentinel-7c41" in str(value) for row in rows for value in row)
    for token in fernet_tokens(model):
        assert "Sentinel-7c41" in Fernet(KEY_A).decrypt(token).decode()


def test_an_empty_note_is_encrypted_too(key_a, session_record):
    Session.objects.filter(pk=session_record.pk).update(note_format="", note_sections={})

    (stored,) = raw_values(Session).values()

    assert stored != "{}"
    assert Fernet(KEY_A).decrypt(stored) == b"{}"
    assert Session.objects.get(pk=session_record.pk).note_sections == {}


def test_the_same_text_twice_gives_different_ciphertexts(written, clinician, as_user):
    session_id = written[Session]["id"]
    again = answered(
        as_user(clinician).post(
            f"{SESSIONS}{session_id}/addenda/", {"text": f"A {SENTINEL}"}, format="json"
        )
    )

    tokens = raw_values(Addendum)
    first, second = (
        tokens[written[Addendum]["id"].replace("-", "")],
        tokens[again["id"].replace("-", "")],
    )
    assert first != second
    assert Fernet(KEY_A).decrypt(first) == Fernet(KEY_A).decrypt(second)


# --- Empty text and the database constraints ---------------------------------------------------


def test_empty_text_is_stored_empty_and_the_constraints_still_hold(
    key_a, clinician, as_user, client_record
):
    api = as_user(clinician)
    assessment = answered(
        api.post(
            ASSESSMENTS,
            {
                "client": str(client_record.pk),
                "instrument": "phq9",
                "administered_on": "2025-06-02",
                "responses": [0] * 8 + [1],
            },
            format="json",
        )
    )
    homework = answered(
        api.post(
            HOMEWORK,
            {
                "client": str(client_record.pk),
                "strategy": "self_reflection",
                "title": "T",
                "instructions": "I",
            },
            format="json",
        )
    )
    assert (assessment["void_reason"], homework["outcome_note"]) == ("", "")
    for model in (Assessment, RiskFlag, Homework, PresentingRoot):
        assert set(raw_values(model).values()) == {""}, model

    # Voided without a reason, or acknowledged without a note: still refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment["id"]).update(
            voided_at=timezone.now(), voided_by=clinician
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFlag.objects.filter(assessment_id=assessment["id"]).update(
            acknowledged_at=timezone.now(), acknowledged_by=clinician
        )
    # ... and the constraints validate in Python too, for both outcomes.
    stored = Assessment.objects.get(pk=assessment["id"])
    stored.voided_at, stored.voided_by = timezone.now(), clinician
    with pytest.raises(ValidationError):
        stored.validate_constraints()
    stored.void_reason = "Duplicate."
    stored.validate_constraints()


def test_ciphertext_can_only_be_asked_whether_it_is_empty(written):
    assert Assessment.objects.filter(void_reason="").count() == 0
    assert Assessment.objects.exclude(void_reason="").count() == 1
    assert Session.objects.filter(note_sections__isnull=False).count() == 1

    with pytest.raises(FieldError):
        Assessment.objects.filter(void_reason=f"V {SENTINEL}").count()
    with pytest.raises(FieldError):
        Addendum.objects.filter(text__icontains="Sentinel").count()
    with pytest.raises(FieldError):
        Session.objects.filter(note_sections__text="x").count()


# --- Keys --------------------------------------------------------------------------------------


def test_the_encryption_key_is_not_the_secret_key(written, settings):
    assert settings.SECRET_KEY not in settings.FIELD_ENCRYPTION_KEYS
    # Not derived from SECRET_KEY either, as some field-encryption libraries do.
    derived = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    with pytest.raises(InvalidToken):
        Fernet(derived).decrypt(fernet_tokens(Addendum)[0])
    # Changing SECRET_KEY (which signs sessions and tokens) leaves the records readable.
    settings.SECRET_KEY = "another-secret-key-entirely-0123456789-abcdefghijklmnop"
    assert RiskFlag.objects.get().acknowledgement_note == f"F {SENTINEL}"


def test_secret_key_as_an_encryption_key_is_refused(key_a, settings, client_record):
    settings.SECRET_KEY = KEY_A

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"), transaction.atomic():
        PresentingRoot.objects.create(
            client=client_record, root="past_failures", severity=2, note="x"
        )


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"]], ids=["none", "malformed"])
def test_unusable_keys_fail_the_system_checks(keys, settings):
    assert check_field_keys(None) == []

    settings.FIELD_ENCRYPTION_KEYS = keys

    (error,) = check_field_keys(None)
    assert (error.id, error.level) == ("rootwise.E001", checks.ERROR)
    assert "FIELD_ENCRYPTION_KEYS" in error.msg


def test_ciphertext_no_key_opens_fails_loudly(written, settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    for model in COLUMNS:
        first_read = encrypted_fields(model)[0]
        with pytest.raises(DecryptionError, match=f"{model._meta.label}.{first_read}"):
            list(model.objects.all())


def test_plaintext_left_in_the_table_fails_loudly(written):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE therapy_sessions_addendum SET text = %s", ["not ciphertext"])

    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Addendum.objects.get()


# --- Rotation ----------------------------------------------------------------------------------


def rotate() -> list[str]:
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size=2", stdout=out)
    return out.getvalue().splitlines()


def test_rotation_re_encrypts_everything_with_the_new_key(written, settings, clinician, as_user):
    session = Session.objects.get()
    for number in range(4):  # five addenda: three batches of at most two
        session.addenda.create(author=clinician, text=f"More, {number}.")
    before = {model: raw_values(model) for model in COLUMNS}
    updated_at = {
        model: list(model.objects.values_list("pk", "updated_at"))
        for model in (Session, Assessment)
    }

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    report = rotate()

    assert {
        "  clients.PresentingRoot (note): 1",
        "  therapy_sessions.Session (note_sections): 1",
        "  therapy_sessions.Addendum (text): 5",
        "  therapy_sessions.Homework (title, instructions, outcome_note): 1",
        "  assessments.Assessment (void_reason, same_day_reason): 1",
        "  assessments.RiskFlag (acknowledgement_note): 1",
    } <= set(report)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    after = {model: raw_values(model) for model in COLUMNS}
    for model in COLUMNS:
        assert after[model].keys() == before[model].keys()
        for pk, token in after[model].items():
            if before[model][pk]:
                assert token != before[model][pk]
                Fernet(KEY_B).decrypt(token)
    assert texts_read_back(as_user(clinician), written) == texts_written(written)
    # Re-encrypting is not an edit: ETags and change times stay as they were.
    assert {
        model: list(model.objects.values_list("pk", "updated_at"))
        for model in (Session, Assessment)
    } == updated_at

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    for model in COLUMNS:
        with pytest.raises(DecryptionError):
            list(model.objects.all())


def test_rotation_can_run_again(written, settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    first = rotate()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    assert rotate() == first
    assert Homework.objects.get().outcome_note == f"H {SENTINEL}"
