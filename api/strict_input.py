"""JSON input must have the type the schema promises.

DRF coerces by default: "5" and 5.0 become 5, 0 becomes "0", "yes" and 1 become True, "" for an
id becomes null, and a string over its maximum length passes once trimmed. A client sending
those has a bug, and silently accepting them hides it (and makes the schema a lie).
`enforce_json_types` makes DRF's scalar fields refuse the wrong JSON type with their usual
`invalid` error; it runs once at start-up, so every serializer, ours and the libraries', is
strict in the same way.

Lists are bounded too: every list a request body may carry is a `BoundedListField` (of ids, a
`RelatedIdsField`; of objects, a `BoundedListSerializer`), refused whole when longer than a
person could mean, before any item costs work.
"""

from django.core.validators import MaxLengthValidator
from rest_framework import fields, relations, serializers
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


class BoundedListField(fields.ListField):
    """A list of at most `max_length` items (the schema's `maxItems`).

    DRF validates every item before it counts them, so a list of 60,000 bad items costs 60,000
    validations and answers 60,000 errors; here a list that is too long is refused first.
    """

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class RelatedIdsField(BoundedListField):
    """Ids of records in `queryset`, checked in one query however many are sent; the records,
    each once, in the order sent. An id outside the queryset is refused as one that does not
    exist."""

    child = fields.UUIDField()
    default_error_messages = {"does_not_exist": "There is no such record: {pk_value}."}

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.queryset

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        found = self.get_queryset().in_bulk(set(ids))
        missing = [pk for pk in dict.fromkeys(ids) if pk not in found]
        if missing:
            raise ValidationError(
                [self.error_messages["does_not_exist"].format(pk_value=pk) for pk in missing],
                code="does_not_exist",
            )
        return [found[pk] for pk in dict.fromkeys(ids)]

    def get_attribute(self, instance):
        related = super().get_attribute(instance)
        return related.all() if hasattr(related, "all") else related

    def to_representation(self, records):
        return [self.child.to_representation(record.pk) for record in records]


class BoundedListSerializer(serializers.ListSerializer):
    """A nested serializer's `many=True` list, at most `max_length` items long: DRF refuses a
    longer one before its items, and this documents the cap as the schema's `maxItems`. Name it
    as the serializer's `Meta.list_serializer_class`."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    def get_validators(self):
        return [*super().get_validators(), MaxLengthValidator(self.max_length)]
