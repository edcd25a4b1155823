"""Related rows read inside the parent's own query, so that a list page costs one query.

`prefetch_related` costs a query per relation. Here each relation is a correlated subquery that
aggregates the related rows into one JSON array (JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on
SQLite), annotated on the parent. A renderer reads them back with `rows`, as Python values,
building no model instances.

Rows come back in the related model's `Meta.ordering`, sorted in Python; that is the database's
order where the database compares text by code point, as PostgreSQL does under C.UTF-8 and SQLite
always does.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from django.db import models
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from api.compiled_once import CompiledOnce
from api.encryption import EncryptedField


class JSONArrayAgg(Aggregate):
    """The aggregated values as one JSON array; NULL over no rows."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


_defined: list["InlinePrefetch"] = []


@dataclass(frozen=True)
class InlinePrefetch:
    """A to-many relation of `model` (reverse foreign key or many-to-many) to read inline.

    `fields` limits the columns carried (attnames) to those a renderer reads and those the
    related model is ordered by. The default is every concrete field of the related model.
    """

    model: type[models.Model]
    relation: str
    fields: tuple[str, ...] = ()

    def __post_init__(self):
        _defined.append(self)

    @property
    def annotation(self) -> str:
        return f"{self.relation}_inline"

    @cached_property
    def _related(self):
        return self.model._meta.get_field(self.relation)

    @cached_property
    def _columns(self) -> list[models.Field]:
        concrete = self._related.related_model._meta.concrete_fields
        return [f for f in concrete if not self.fields or f.attname in self.fields]

    # Built and compiled once (api/compiled_once.py): it serves every query.
    @cached_property
    def expression(self) -> CompiledOnce:
        related = self._related
        link = related.related_query_name() if related.many_to_many else related.field.name
        rows = (
            related.related_model._base_manager.filter(**{link: OuterRef("pk")})
            .order_by()
            .values(link)
            .annotate(
                rows=JSONArrayAgg(JSONObject(**{f.attname: f.attname for f in self._columns}))
            )
            .values("rows")
        )
        return CompiledOnce(self.model, Subquery(rows, output_field=JSONField()))

    @cached_property
    def _readers(self) -> list[tuple[str, Callable]]:
        return [(column.attname, _reader(column)) for column in self._columns]

    def rows(self, instance: models.Model) -> list[dict]:
        """The related rows of an `instance` read with this annotation, as dicts of Python
        values by attname, in their model's order."""
        rows = [
            {name: None if row[name] is None else read(row[name]) for name, read in self._readers}
            for row in getattr(instance, self.annotation) or []
        ]
        for name in reversed(self._related.related_model._meta.ordering):
            rows.sort(key=itemgetter(name.lstrip("-")), reverse=name.startswith("-"))
        return rows


def _reader(field: models.Field) -> Callable:
    """What turns a JSON scalar (never null) of `field` into the Python value that reading the
    column would have given."""
    if isinstance(field, EncryptedField):
        return lambda value: field.from_db_value(value, None, None)
    if isinstance(field, models.DateTimeField):
        return lambda value: _aware(field.to_python(value))
    if type(field) in (models.CharField, models.TextField, models.PositiveSmallIntegerField):
        return _as_it_is  # JSON gives text and numbers as the column holds them
    return field.to_python


def _as_it_is(value):
    return value


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(tzinfo=datetime.UTC) if timezone.is_naive(moment) else moment  # SQLite


def annotate(queryset: models.QuerySet, *relations: InlinePrefetch) -> models.QuerySet:
    return queryset.annotate(**{relation.annotation: relation.expression for relation in relations})


def build_all() -> None:
    """Build the expression of every relation defined so far: a server does it once, before it
    forks its workers, rather than each worker in the first request that reads one."""
    for relation in _defined:
        relation.expression  # noqa: B018 (read for its side effect: the cached expression)
