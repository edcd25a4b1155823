"""The migrations' operations that make PostgreSQL keep practices apart (`api/tenancy.py`).

SQLite has neither row-level security nor ALTER TABLE … ADD CONSTRAINT: there the operations do
nothing, and the services alone keep each row's practice its parent's.
"""

import django.db.models.deletion
from django.db import migrations, models

VISIBLE = (
    "current_setting('app.all_practices', true) = 'on' "
    "OR practice_id = NULLIF(current_setting('app.practice_id', true), '')::uuid"
)


def _on_postgresql(forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    def run(statements):
        def execute(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement, params=None)

        return execute

    return migrations.RunPython(run(forwards), run(backwards))


def row_level_security(table: str, *, shared_when_null: bool = False, log: bool = False):
    """Rows of `table` are visible and writable only in their practice's scope. With
    `shared_when_null`, rows of no practice (built-in records) are readable by every practice
    but writable by none; with `log`, rows of no practice (events of an unknown caller) may be
    written from any scope and read only across practices."""
    forwards = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY practice_rows ON {table} USING ({VISIBLE})",
    ]
    backwards = [f"DROP POLICY practice_rows ON {table}"]
    if shared_when_null:
        forwards.append(
            f"CREATE POLICY shared_rows ON {table} FOR SELECT USING (practice_id IS NULL)"
        )
        backwards.append(f"DROP POLICY shared_rows ON {table}")
    if log:
        forwards.append(
            f"CREATE POLICY practiceless_rows ON {table} FOR INSERT "
            "WITH CHECK (practice_id IS NULL)"
        )
        backwards.append(f"DROP POLICY practiceless_rows ON {table}")
    backwards.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    return _on_postgresql(forwards, backwards)


def referable_with_practice(table: str):
    """Lets rows below `table` refer to one of its rows together with its practice."""
    name = f"{table}_id_practice"
    return _on_postgresql(
        [f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE (id, practice_id)"],
        [f"ALTER TABLE {table} DROP CONSTRAINT {name}"],
    )


def practice_of_parent(table: str, column: str, parent: str):
    """A row of `table` whose `column` names a row of `parent` has that row's practice: the
    database refuses any other."""
    name = f"{table}_{column}_practice"
    return _on_postgresql(
        [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}, practice_id) "
            f"REFERENCES {parent} (id, practice_id)"
        ],
        [f"ALTER TABLE {table} DROP CONSTRAINT {name}"],
    )


def practice_column(*, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="accounts.practice",
    )


def practice_from_parent(model_name: str, table: str, column: str, parent: str) -> list:
    """Give `model_name` its non-null practice: added empty, filled from the parent's (the row
    of `parent` that `column` names), then required."""
    return [
        migrations.AddField(
            model_name=model_name, name="practice", field=practice_column(null=True)
        ),
        backfill_practice(table, column, parent),
        migrations.AlterField(
            model_name=model_name, name="practice", field=practice_column(null=False)
        ),
    ]


def backfill_practice(table: str, column: str, parent: str) -> migrations.RunSQL:
    """Existing rows take their parent's practice."""
    # The names come from the migrations, never from input.
    statement = f"UPDATE {table} SET practice_id = (SELECT practice_id FROM {parent} "  # noqa: S608
    statement += f"WHERE {parent}.id = {table}.{column})"
    return migrations.RunSQL(
        statement,
        migrations.RunSQL.noop,
    )
