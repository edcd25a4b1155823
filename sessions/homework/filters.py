from datetime import date

import django_filters
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from api.filters import CLINICAL, StrictFilterSet, UpdatedSinceFilter, client_ids_filter
from api.timezones import practice_today
from api.vocabulary import Root, Strategy
from sessions.homework.models import Homework, HomeworkStatus, HomeworkTemplate


class HomeworkFilter(StrictFilterSet):
    client = client_ids_filter()
    updated_since = UpdatedSinceFilter(also=("client",))
    status = django_filters.ChoiceFilter(choices=HomeworkStatus.choices, label="Status." + CLINICAL)
    strategy = django_filters.ChoiceFilter(choices=Strategy.choices, label="Strategy." + CLINICAL)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Due before today (the practice's local date) and still assigned." + CLINICAL,
    )
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gt")

    clinical_filters = ("status", "strategy", "overdue")
    # Homework with no due date sorts as due last of all.
    orderings = {"due_on": Coalesce("due_on", Value(date.max)), "created_at": "created_at"}

    class Meta:
        model = Homework
        fields = [
            "client",
            "status",
            "strategy",
            "overdue",
            "due_before",
            "due_after",
            "updated_since",
        ]

    def filter_overdue(self, queryset, name, value):
        today = practice_today(self.request.user.practice)
        overdue = Q(status=HomeworkStatus.ASSIGNED, due_on__lt=today)
        return queryset.filter(overdue if value else ~overdue)


class HomeworkTemplateFilter(StrictFilterSet):
    strategy = django_filters.ChoiceFilter(choices=Strategy.choices)
    root = django_filters.ChoiceFilter(
        choices=Root.choices, method="filter_root", label="A root of insecurity it targets."
    )
    builtin = django_filters.BooleanFilter(field_name="practice", lookup_expr="isnull")

    class Meta:
        model = HomeworkTemplate
        fields = ["strategy", "root", "builtin"]

    def filter_root(self, queryset, name, value):
        # target_roots is a JSON list of codes; matching the quoted code in its text is exact
        # (no code contains another) and works on PostgreSQL and SQLite alike.
        return queryset.filter(target_roots__icontains=f'"{value}"')
