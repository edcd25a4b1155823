"""Model fields that keep clinical free text encrypted at rest.

A value is stored as a Fernet token (AES-128-CBC with HMAC-SHA256 and a fresh IV each time) made
with `settings.FIELD_ENCRYPTION_KEYS`, keys of their own rather than SECRET_KEY. The first key
encrypts and every key decrypts: to rotate, put a new key first, run
`manage.py rotate_encryption_keys`, and only then drop the old key.

The database sees only tokens, so it can no longer compare or search these columns. The fields
answer `isnull` and, for text, equality with "" (stored as is, so that constraints such as "a
voided assessment has a reason" still hold in the database); any other lookup is a FieldError.
"""

import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact
from django.dispatch import receiver

from api.tenancy import all_practices


class DecryptionError(Exception):
    """A stored value that none of FIELD_ENCRYPTION_KEYS decrypts."""


@functools.cache
def field_keys() -> MultiFernet:
    configured = settings.FIELD_ENCRYPTION_KEYS
    if settings.SECRET_KEY in configured:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must not contain SECRET_KEY.")
    try:
        return MultiFernet([Fernet(key) for key in configured])
    except ValueError as error:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: {error}") from None


@receiver(setting_changed)
def _forget_field_keys(*, setting, **kwargs):
    if setting in {"FIELD_ENCRYPTION_KEYS", "SECRET_KEY"}:
        field_keys.cache_clear()


@checks.register(checks.Tags.security)
def check_field_keys(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start with unusable keys rather than fail on the first clinical note."""
    try:
        field_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="rootwise.E001")]
    return []


def encrypt(plaintext: str) -> str:
    return field_keys().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str, source: object = "a value", *, max_age: int | None = None) -> str:
    """The plain text; with `max_age`, a token older than that many seconds does not decrypt."""
    try:
        return field_keys().decrypt(token.encode(), ttl=max_age).decode()
    except InvalidToken:
        raise DecryptionError(
            f"Stored {source} cannot be decrypted with any of FIELD_ENCRYPTION_KEYS: the key that "
            "encrypted it is missing, or the stored value is not ciphertext."
        ) from None


class EmptyStringExact(Exact):
    """Equality with "" is all that ciphertext can answer: equal texts have unequal tokens."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError("An encrypted field can only be compared with the empty string.")
        return super().get_prep_lookup()


class EncryptedField:
    """What the encrypted fields share: the lookups that still mean something, and a way for
    `rotate_encryption_keys` to find them."""

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedField, models.TextField):
    """Text stored as a Fernet token; the empty string is stored as is."""

    def get_lookup(self, lookup_name):
        return EmptyStringExact if lookup_name == "exact" else super().get_lookup(lookup_name)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else decrypt(value, self)


class EncryptedJSONField(EncryptedField, models.TextField):
    """A JSON value (note sections: a dict of strings) stored as one Fernet token of its
    serialization, so `{}` is a token too. In Python it is the value itself, as with JSONField."""

    empty_strings_allowed = False

    def to_python(self, value):
        return value  # TextField's would turn a dict into its repr

    def get_prep_value(self, value):
        return None if value is None else encrypt(json.dumps(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(decrypt(value, self))

    def value_to_string(self, obj):
        return self.value_from_object(obj)


def encrypted_fields(model) -> list[str]:
    """The names of `model`'s encrypted columns."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def in_batches(queryset, size: int):
    """`queryset` as lists of at most `size` rows in primary-key order, each list read by its own
    query, so that rows can be rewritten between batches without a long-lived cursor."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        with all_practices():  # a rotation re-encrypts every practice's rows
            rows = list(page[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk
