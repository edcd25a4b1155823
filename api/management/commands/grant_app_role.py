import os
import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

# Rows once written are never changed or removed: the app role may only add and read them. A new
# append-only table gets the app's usual grants from the default privileges until it is listed
# here and this command runs again (tests/hardening/test_database_roles.py insists it is listed).
APPEND_ONLY_MODELS = ("audit.AuditEvent",)
PASSWORD_VARIABLE = "APP_DATABASE_PASSWORD"  # noqa: S105 (the variable's name)
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
ATTRIBUTES = (
    "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
    "FROM pg_roles WHERE rolname = %s"
)
PRIVILEGED = ("SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS")


class Command(BaseCommand):
    help = (
        "PostgreSQL: create, or bring up to date, the role the API runs as, which owns nothing. "
        "It may read and write every table of the schema, only read and add to the audit trail, "
        "only read the migration history, and never TRUNCATE, ALTER or DROP. Default privileges "
        "give it the same on tables that later migrations create. Run it as the owner of the "
        "tables (the role that runs migrate) after every migrate; a second run changes nothing. "
        f"The role's password is set from {PASSWORD_VARIABLE} when that is set, never from the "
        "command line, and only its SCRAM verifier is sent to the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The app's role, e.g. rootwise_app.")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; SQLite has none to grant.")
        if not ROLE_NAME.fullmatch(role):
            raise CommandError("The role's name must be lower-case letters, digits and '_'.")
        with transaction.atomic(), connection.cursor() as cursor:
            owner = self.owner(cursor)
            if role == owner:
                raise CommandError(f"{role} owns the tables; the app needs a role of its own.")
            created = self.ensure_role(cursor, role)
            password = os.environ.get(PASSWORD_VARIABLE)
            if password:
                self.set_password(cursor, role, password)
            self.grant(cursor, role, owner)
            problems = self.problems(cursor, role, owner)
            if problems:
                raise CommandError(f"{role} can do more than the app needs: {'; '.join(problems)}")
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {role}; the tables' owner: {owner}."
        )
        if created and not password:
            self.stdout.write(
                f"Set its password: psql -c '\\password {role}' (or {PASSWORD_VARIABLE})."
            )

    @staticmethod
    def owner(cursor) -> str:
        """The role that ran migrate: the owner of the migration history."""
        cursor.execute(
            "SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [history_table()],
        )
        row = cursor.fetchone()
        if row is None:
            raise CommandError("No migrations in this database: run migrate first, as the owner.")
        return row[0]

    @staticmethod
    def ensure_role(cursor, role: str) -> bool:
        """Create `role` able to sign in and nothing else, unless it exists; True if created."""
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            return False
        cursor.execute(f"CREATE ROLE {quote(role)} LOGIN")
        return True

    @staticmethod
    def set_password(cursor, role: str, password: str) -> None:
        """As psql's \\password: libpq hashes it here, so the server, its statement log and
        pg_stat_activity only ever see the verifier."""
        pgconn = connection.connection.pgconn
        verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
        cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD '{verifier.decode()}'")

    @staticmethod
    def grant(cursor, role: str, owner: str) -> None:
        """Everything is revoked and granted again in one transaction, so that a second run, or a
        table that became append-only, ends with exactly these grants."""
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = (quote(name) for name in cursor.fetchone())
        role, owner = quote(role), quote(owner)
        tables = f"ALL TABLES IN SCHEMA {schema}"
        sequences = f"ALL SEQUENCES IN SCHEMA {schema}"
        statements = [
            f"GRANT CONNECT ON DATABASE {database} TO {role}",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"REVOKE ALL ON {tables} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {role}",
            f"REVOKE ALL ON {sequences} FROM {role}",
            f"GRANT USAGE, SELECT ON {sequences} TO {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON {quote(history_table())} FROM {role}",
            *(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {role}" for table in append_only()),
            # Tables and sequences that later migrations (run by the owner) create.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        for statement in statements:
            cursor.execute(statement)

    @staticmethod
    def problems(cursor, role: str, owner: str) -> list[str]:
        """What `role` could still do beyond the grants, through its attributes, the roles it
        belongs to (pg_write_all_data, the owner) or grants to PUBLIC."""
        cursor.execute(ATTRIBUTES, [role])
        attributes = zip(PRIVILEGED, cursor.fetchone(), strict=True)
        found = [f"has {attribute}" for attribute, on in attributes if on]
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if cursor.fetchone()[0]:
            found.append(f"is a member of {owner}, so it acts as the tables' owner")
        cursor.execute(
            "SELECT tablename, p FROM pg_tables, unnest(%s::text[]) AS p "
            "WHERE schemaname = current_schema() AND has_table_privilege(%s, "
            "format('%%I.%%I', schemaname, tablename), p)",
            [["TRUNCATE", "TRIGGER", "REFERENCES"], role],
        )
        found += [f"may {privilege} {table}" for table, privilege in cursor.fetchall()]
        for table in append_only():
            for privilege in ("UPDATE", "DELETE"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
                if cursor.fetchone()[0]:
                    found.append(f"may {privilege} {table}")
        cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])
        if cursor.fetchone()[0]:
            found.append("may CREATE in the schema (REVOKE CREATE ON SCHEMA public FROM PUBLIC)")
        return found


def append_only() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]


def history_table() -> str:
    return MigrationRecorder.Migration._meta.db_table


def quote(name: str) -> str:
    """`name` as an SQL identifier, whatever characters it holds."""
    return sql.Identifier(name).as_string(connection.connection)
