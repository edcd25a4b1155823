import django_filters

BOOLEAN_WORDS = {"true", "false", "1", "0"}


class StrictFilterSet(django_filters.FilterSet):
    """Query parameters that say nothing, or not a yes/no where one is expected, are a 400
    naming the parameter, never silently ignored: `?client=` or `?overdue=sometimes`."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, flt in self.filters.items():
            if name not in self.data:
                continue
            value = self.data.get(name, "")
            if value == "" and not isinstance(flt, django_filters.CharFilter):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
            elif isinstance(flt, django_filters.BooleanFilter) and value not in BOOLEAN_WORDS:
                self.form.add_error(name, "Give true or false.")
        return valid and not self.form.errors
