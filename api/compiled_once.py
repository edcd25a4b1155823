"""Annotations whose SQL is compiled once, not on every query.

Django resolves and compiles every annotation of a query each time the query runs. The
subqueries a list page carries (related rows read inline, a client's clinical summary) took
more of a request's CPU to compile than PostgreSQL took to run them (docs/performance.md). Their
SQL never changes: it takes no value from the request, only the row it is computed for. Wrapped
in `CompiledOnce`, such an expression is compiled the first time a connection uses it, and from
then on stands in each query as that SQL.

The SQL is compiled against a plain query of the model, which names the model's table by its own
name; a query that names it otherwise (one nested in another) compiles the expression as usual.
"""

from django.db.models import Expression, Model
from django.db.models.sql import Query


class CompiledOnce(Expression):
    """`expression`, computed for each row of `model`, compiled once per database connection."""

    def __init__(self, model: type[Model], expression: Expression):
        super().__init__(output_field=expression.output_field)
        self.model = model
        self.expression = expression
        self._compiled: dict[str, tuple[str, tuple]] = {}  # by connection alias; copies share it

    def as_sql(self, compiler, connection):
        query = compiler.query
        own_name = query.base_table == self.model._meta.db_table
        if query.alias_prefix != Query.alias_prefix or not own_name:
            return compiler.compile(self.expression.resolve_expression(query))
        if connection.alias not in self._compiled:
            plain = Query(self.model)
            resolved = self.expression.resolve_expression(plain)
            sql, params = plain.get_compiler(connection=connection).compile(resolved)
            self._compiled[connection.alias] = (sql, tuple(params))
        return self._compiled[connection.alias]
