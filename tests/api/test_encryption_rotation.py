"""`rotate_encryption_keys` moves every encrypted column to the new key, without counting as an
edit, and may run again."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from api.encryption import DecryptionError
from assessments.models import Assessment
from sessions.homework.models import Homework
from sessions.models import Session
from tests.api.conftest import (
    COLUMNS,
    KEY_A,
    KEY_B,
    SENTINEL,
    raw_values,
    texts_read_back,
    texts_written,
)

pytestmark = pytest.mark.django_db


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


def test_rotation_re_encrypts_the_responses_kept_for_retries(key_a, clinician, as_user):
    api = as_user(clinician)
    key = {"HTTP_IDEMPOTENCY_KEY": "rotation-kept"}
    body = {"given_name": "Ada", "family_name": SENTINEL}
    first = api.post("/api/v1/clients/", body, format="json", **key)

    key_a.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert "  idempotency.KeptResponse (body): 1" in rotate()
    key_a.FIELD_ENCRYPTION_KEYS = [KEY_B]
    replay = api.post("/api/v1/clients/", body, format="json", **key)

    assert first.status_code == 201, first.content
    assert (replay["Idempotent-Replayed"], replay.json()) == ("true", first.json())
