from django.db.models import DateTimeField, Func


class MinutesAfter(Func):
    """`moment` plus a whole number of `minutes` (columns or expressions): a moment, computed
    by the database so that it can filter and order on it."""

    arity = 2
    output_field = DateTimeField()
    template = "(%(expressions)s)"
    arg_joiner = " + INTERVAL '1 minute' * "

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no intervals: the function Django registers adds microseconds to a moment
        # and writes it in the format Django stores moments in, so comparisons still hold.
        return self.as_sql(
            compiler,
            connection,
            template="django_format_dtdelta('+', %(expressions)s * 60000000)",
            arg_joiner=", ",
            **extra_context,
        )
