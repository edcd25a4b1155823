"""Clinical free text is encrypted at rest: the API reads back exactly what was written, the tables
hold only ciphertext (a new one each write, empty text included), and the database constraints
still hold."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessments.models import Assessment, RiskFlag
from clients.models import PresentingRoot
from sessions.homework.models import Homework
from sessions.models import Addendum, Session
from tests.api.conftest import (
    ASSESSMENTS,
    COLUMNS,
    HOMEWORK,
    KEY_A,
    SENTINEL,
    SESSIONS,
    answered,
    fernet_tokens,
    raw_values,
    texts_read_back,
    texts_written,
)

pytestmark = pytest.mark.django_db


def raw_rows(model) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchall()


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


# --- Empty text and the database constraints -----------------------------------------------------


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
