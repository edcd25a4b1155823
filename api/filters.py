from collections.abc import Iterable
from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from api.audit.models import AuditAction, AuditEvent, AuditOutcome
from api.exceptions import FieldForbidden

BOOLEAN_WORDS = {"true", "false", "1", "0"}


CLINICAL = " Clinical: administrators, who read no clinical content, may not use it (403)."


class StrictFilterSet(django_filters.FilterSet):
    """Query parameters that say nothing, or not a yes/no where one is expected, are a 400
    naming the parameter, never silently ignored: `?client=` or `?overdue=sometimes`.

    Filters named in `clinical_filters` select by clinical content (roots, risk, scores,
    homework): for an administrator they are a 403 naming them, since the rows they let
    through would tell what the admin may not read; so are the orders in `clinical_orderings`.
    Their labels end with `CLINICAL`, so the schema says so."""

    clinical_filters: tuple[str, ...] = ()

    # `?ordering=` choices (ListOrdering): name -> the field or expression sorted by.
    orderings: dict = {}
    clinical_orderings: tuple[str, ...] = ()

    @classmethod
    def asked_for(cls, data) -> bool:
        """Whether `data` names any of these filters. A list asked for with none is its
        queryset as it is, so no form is built to validate nothing; a filterset that filters
        even then (a default range) answers True."""
        return any(name in data for name in cls.base_filters)

    def is_valid(self) -> bool:
        user = getattr(self.request, "user", None)
        clinical = [name for name in self.clinical_filters if name in self.data]
        if clinical and getattr(user, "is_admin", False):
            refusal = "Administrators cannot filter by clinical content."
            raise FieldForbidden({name: [refusal] for name in clinical})
        valid = super().is_valid()
        for name, flt in self.filters.items():
            if name not in self.data:
                continue
            value = self.data.get(name, "")
            if _given_more_than_once(self.data, name):
                # Only the last would count: `?client=a&client=b` would list b's alone.
                self.form.add_error(name, REPEATED)
            elif value == "" and not isinstance(flt, django_filters.CharFilter):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
            elif isinstance(flt, django_filters.BooleanFilter) and value not in BOOLEAN_WORDS:
                self.form.add_error(name, "Give true or false.")
        return valid and not self.form.errors


def _given_more_than_once(data, name: str) -> bool:
    return hasattr(data, "getlist") and len(data.getlist(name)) > 1


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


REPEATED = "Give this parameter once (several ids go in one, separated by commas)."


class MomentField(UtcDateTimeField):
    """An RFC 3339 moment: a date and a time with its offset. Without one, the moment would
    depend on the server's time zone."""

    default_error_messages = {
        "no_offset": "Give a date and time with its offset (RFC 3339): 2026-03-02T09:30:00Z.",
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                moment = None  # left to the parent's message
            if moment is not None and moment.tzinfo is None:
                raise ValidationError(self.error_messages["no_offset"], code="no_offset")
        return super().to_python(value)


UPDATED_SINCE_HELP = (
    "Only records changed at or after this moment (RFC 3339, with its offset), including those "
    "whose client changed: for incremental sync (docs/sync.md)."
)


class UpdatedSinceFilter(UtcDateTimeFilter):
    """`?updated_since=`: records changed at or after an RFC 3339 moment (docs/sync.md).

    A record reads differently when a record it shows something of changes: `also` names those
    relations (`client`, whose name it carries), and a change to them counts as its own."""

    field_class = MomentField

    def __init__(self, *, also: tuple[str, ...] = (), **kwargs):
        self.also = also
        kwargs.setdefault("help_text", UPDATED_SINCE_HELP)
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(self.changed_since(value))

    def changed_since(self, moment) -> Q:
        changed = Q(updated_at__gte=moment)
        for relation in self.also:
            changed |= Q(**{f"{relation}__updated_at__gte": moment})
        return changed


class IdListField(BaseCSVField):
    """Comma-separated values, none of them empty (`a,,b` is a typo, not two ids)."""

    def clean(self, value):
        if value and any(not str(item).strip() for item in value):
            raise ValidationError("Give ids separated by commas, none of them empty.")
        return super().clean(value)


class IdsFilter(django_filters.BaseInFilter, django_filters.UUIDFilter):
    """One id, or several separated by commas: records of any of them. Repeating the
    parameter instead is a 400 (StrictFilterSet). Ids the caller may not see match nothing,
    exactly like unknown ones: the list is scoped before it is filtered."""

    base_field_class = IdListField


def client_ids_filter() -> IdsFilter:
    """`?client=`: the records of one client, or of several (`?client=<id>,<id>`)."""
    return IdsFilter(
        field_name="client_id",
        help_text="A client's id, or several separated by commas (`?client=<id>,<id>`): the "
        "records of any of them. Give the parameter once.",
    )


UNKNOWN_PARAMETER = "Not a parameter of this endpoint: leave it out (see the schema)."


def refuse_unknown_parameters(query_params, known: Iterable[str]) -> None:
    """A query parameter the endpoint does not take is a 400 naming it. Ignored, a typo would
    answer with more than was asked for: `?serach=Tess` would list the whole caseload."""
    unknown = sorted(set(query_params) - set(known))
    if unknown:
        raise exceptions.ValidationError({name: [UNKNOWN_PARAMETER] for name in unknown})


class StrictFilterBackend(DjangoFilterBackend):
    """A list takes its filterset's filters, `ordering` where it offers orders, and the
    paginator's `cursor` and `page_size`; any other parameter is a 400 naming it."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            refuse_unknown_parameters(request.query_params, self._list_parameters(view, queryset))
        filterset_class = self.get_filterset_class(view, queryset)
        asked_for = getattr(filterset_class, "asked_for", None)
        if asked_for is not None and not asked_for(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def _list_parameters(self, view, queryset) -> set[str]:
        known = set()
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
            if getattr(filterset_class, "orderings", None):
                known.add(ListOrdering.ordering_param)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            known |= {paginator.cursor_query_param, paginator.page_size_query_param}
        return known


class ListOrdering(OrderingFilter):
    """`?ordering=` names one of the orders in the view's filterset `orderings`, or its reverse
    with a leading `-`; anything else is a 400 naming the parameter, never quietly the default
    order. The cursor paginator sorts by it and then by `id`.

    An order may sort by an expression rather than a field: a column that can be empty sorts
    by a key that cannot, since a cursor cannot page past NULLs. Orders named in the
    filterset's `clinical_orderings` are a 403 for administrators, like clinical filters."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        ordering = self.get_ordering(request, queryset, view)
        field = (self._requested(request) or "").removeprefix("-")
        key = _orderings(view).get(field)
        if key is not None and not isinstance(key, str):
            queryset = queryset.annotate(**{_sort_alias(field): key})
        return queryset.order_by(*ordering)

    def get_ordering(self, request, queryset, view):
        name = self._requested(request)
        if name is None:
            return self.get_default_ordering(view)
        orderings = _orderings(view)
        field = name.removeprefix("-")
        if field not in orderings:
            choices = ", ".join(_choices(orderings)) or "none: this list has one order"
            raise exceptions.ValidationError({self.ordering_param: [f"Give one of: {choices}."]})
        if field in _clinical_orderings(view) and getattr(request.user, "is_admin", False):
            raise FieldForbidden(
                {self.ordering_param: ["Administrators cannot sort by clinical content."]}
            )
        key = orderings[field] if isinstance(orderings[field], str) else _sort_alias(field)
        return (("-" if name.startswith("-") else "") + key,)

    def _requested(self, request) -> str | None:
        return request.query_params.get(self.ordering_param)

    def get_schema_operation_parameters(self, view):
        orderings = _orderings(view)
        if not orderings:
            return []
        default = ", ".join(key for key in view.ordering if key not in ("id", "-id"))
        description = f"Sort order: a field, or `-field` for the reverse (default: {default})."
        if clinical := _clinical_orderings(view):
            description += (
                f" Sorting by {', '.join(clinical)} is clinical: administrators, who read no"
                " clinical content, may not use it (403)."
            )
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string", "enum": _choices(orderings)},
            }
        ]


def _orderings(view) -> dict:
    return getattr(getattr(view, "filterset_class", None), "orderings", None) or {}


def _clinical_orderings(view) -> tuple[str, ...]:
    return getattr(getattr(view, "filterset_class", None), "clinical_orderings", ())


def _choices(orderings: dict) -> list[str]:
    return [choice for name in orderings for choice in (name, f"-{name}")]


def _sort_alias(name: str) -> str:
    return f"{name}_sort_key"


# Deletions, for incremental sync (docs/sync.md). A record deleted leaves no row to report, but
# its deletion is in the audit trail: a successful DELETE's event commits in the deleting
# request's own transaction, so the trail holds a deletion exactly when it happened.


def deletions(user, object_type: str, since=None) -> QuerySet[AuditEvent]:
    """Successful deletions of `object_type` records in `user`'s practice (at or after
    `since`, if given), of clients the trail shows `user` was served something of: a caller
    learns only of the deletion of what they may hold a copy of, never of other clients'
    records."""
    served = AuditEvent.objects.filter(actor_id=user.pk, client_id=OuterRef("client_id"))
    events = AuditEvent.objects.filter(
        Exists(served),
        practice_id=user.practice_id,
        action=AuditAction.DELETE,
        object_type=object_type,
        outcome=AuditOutcome.SUCCESS,
    )
    if since is not None:
        events = events.filter(at__gte=since)
    return events.order_by("at", "id")
