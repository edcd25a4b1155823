from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError

BOOLEAN_WORDS = {"true", "false", "1", "0"}


CLINICAL = " Clinical: administrators, who read no clinical content, may not use it (400)."


class StrictFilterSet(django_filters.FilterSet):
    """Query parameters that say nothing, or not a yes/no where one is expected, are a 400
    naming the parameter, never silently ignored: `?client=` or `?overdue=sometimes`.

    Filters named in `clinical_filters` select by clinical content (roots, risk, scores,
    homework): for an administrator they are a 400, since the rows they let through would tell
    what the admin may not read. Their labels end with `CLINICAL`, so the schema says so."""

    clinical_filters: tuple[str, ...] = ()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        user = getattr(self.request, "user", None)
        for name, flt in self.filters.items():
            if name not in self.data:
                continue
            if name in self.clinical_filters and getattr(user, "is_admin", False):
                self.form.add_error(name, "Administrators cannot filter by clinical content.")
                continue
            value = self.data.get(name, "")
            if value == "" and not isinstance(flt, django_filters.CharFilter):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
            elif isinstance(flt, django_filters.BooleanFilter) and value not in BOOLEAN_WORDS:
                self.form.add_error(name, "Give true or false.")
        return valid and not self.form.errors


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC: the database is never handed an offset (which
    PostgreSQL refuses beyond ±15:59) nor a moment outside the representable years 1-9999."""

    default_error_messages = {
        "out_of_range": "Give a date and time between 0001-01-01 and 9999-12-31 in UTC.",
    }

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField
