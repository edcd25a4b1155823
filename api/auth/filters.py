import django_filters

from api.auth.models import Role, User
from api.filters import StrictFilterSet


class UserFilter(StrictFilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = ["role", "is_active"]
