"""JSON input must have the type the schema promises.

DRF coerces by default: "5" and 5.0 become 5, 0 becomes "0", "yes" and 1 become True. A client
sending those has a bug, and silently accepting them hides it (and makes the schema a lie).
`enforce_json_types` makes DRF's scalar fields refuse the wrong JSON type with their usual
`invalid` error; it runs once at start-up, so every serializer, ours and the libraries', is
strict in the same way.
"""

from rest_framework import fields

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
        return lenient(self, data)

    return to_internal_value


def enforce_json_types() -> None:
    for field_class, accepted in STRICT_TYPES.items():
        field_class.to_internal_value = _strict(field_class, accepted)
