"""Every row of practice data knows its practice (sessions, their roots and addenda, homework).
Existing rows take their parent's; on PostgreSQL the database refuses a practice other than the
parent's and shows each request only its practice's rows (api/tenancy.py)."""

from django.db import migrations

from api.tenancy_sql import (
    practice_from_parent,
    practice_of_parent,
    referable_with_practice,
    row_level_security,
)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_practice_rows"),
        ("therapy_sessions", "0005_encrypt_homework_text"),
    ]

    operations = [
        *practice_from_parent("session", "therapy_sessions_session", "client_id", "clients_client"),
        *practice_from_parent(
            "sessionroot", "therapy_sessions_sessionroot", "session_id", "therapy_sessions_session"
        ),
        *practice_from_parent(
            "addendum", "therapy_sessions_addendum", "session_id", "therapy_sessions_session"
        ),
        *practice_from_parent(
            "homework", "therapy_sessions_homework", "client_id", "clients_client"
        ),
        referable_with_practice("therapy_sessions_session"),
        practice_of_parent("therapy_sessions_session", "client_id", "clients_client"),
        practice_of_parent(
            "therapy_sessions_sessionroot", "session_id", "therapy_sessions_session"
        ),
        practice_of_parent("therapy_sessions_addendum", "session_id", "therapy_sessions_session"),
        practice_of_parent("therapy_sessions_homework", "client_id", "clients_client"),
        practice_of_parent("therapy_sessions_homework", "session_id", "therapy_sessions_session"),
        row_level_security("therapy_sessions_session"),
        row_level_security("therapy_sessions_sessionroot"),
        row_level_security("therapy_sessions_addendum"),
        row_level_security("therapy_sessions_homework"),
        row_level_security("therapy_sessions_homeworktemplate", shared_when_null=True),
    ]
