"""JSON input must have the type the schema promises.

DRF coerces by default: "5" and 5.0 become 5, 0 becomes "0", "yes" and 1 become True, "" for an
id becomes null, and a string over its maximum length passes once trimmed. A client sending
those has a bug, and silently accepting them hides it (and makes the schema a lie).
`enforce_json_types` makes DRF's scalar fields refuse the wrong JSON type with their usual
`invalid` error; it runs once at start-up, so every serializer, ours and the libraries', is
strict in the same way.
"""

from rest_framework import fields, relations
from rest_framework.exceptions import ValidationError

STRICT_TYPES = {
    fields.CharField: (str,),
    fields.IntegerField: (int,),
    fields.FloatField: (int, float),
    fields.DecimalField: (int, float, str),
    fields.BooleanField: (bool,),
    fields.ChoiceField: (str,),
}


def _strict(field_class, accepted: tuple[type, ...]):
    lenient = field_class.to_internal_value

    def to_internal_value(self, data):
        wrong_type = not isinstance(data, accepted) or (
            isinstance(data, bool) and bool not in accepted
        )
        if wrong_type:
            self.fail(
                "invalid" if "invalid" in self.error_messages else "invalid_choice", input=data
            )
        # The schema's maxLength is about the string sent; DRF would trim it first.
        max_length = getattr(self, "max_length", None)
        if isinstance(data, str) and max_length is not None and len(data) > max_length:
            self.fail("max_length", max_length=max_length)
        return lenient(self, data)

    return to_internal_value


def _no_empty_string_ids(lenient):
    # DRF turns "" into null for relations; an id field given "" is a client bug, not a null.
    def run_validation(self, data=fields.empty):
        if isinstance(data, str) and data == "":
            raise ValidationError("Give an id, or null where none is allowed.", code="invalid")
        return lenient(self, data)

    return run_validation


def enforce_json_types() -> None:
    for field_class, accepted in STRICT_TYPES.items():
        field_class.to_internal_value = _strict(field_class, accepted)
    related = relations.RelatedField
    related.run_validation = _no_empty_string_ids(related.run_validation)
