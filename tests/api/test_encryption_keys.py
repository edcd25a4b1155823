"""The keys that encrypt clinical free text: their own, never the secret key or derived from it;
unusable keys fail the system checks, and ciphertext no key opens or plaintext in the table
fail loudly."""

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from api.encryption import DecryptionError, check_field_keys, encrypted_fields
from assessments.models import RiskFlag
from clients.models import PresentingRoot
from sessions.models import Addendum
from tests.api.conftest import COLUMNS, KEY_A, KEY_B, SENTINEL, fernet_tokens

pytestmark = pytest.mark.django_db


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
