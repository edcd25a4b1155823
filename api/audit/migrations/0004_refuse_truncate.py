from django.db import migrations

# TRUNCATE skips row triggers, so 0002's trigger does not see it; a statement trigger does, also
# when the table is reached through TRUNCATE … CASCADE of a table it refers to.
CREATE = """
CREATE TRIGGER audit_event_refuse_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS audit_event_refuse_truncate ON audit_auditevent;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    """On PostgreSQL the database itself refuses to empty the audit trail with TRUNCATE.

    SQLite has no TRUNCATE (nor triggers per statement), so there is nothing to refuse there."""

    dependencies = [("audit", "0003_more_actions")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
