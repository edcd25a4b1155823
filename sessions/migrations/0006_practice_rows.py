"""Every row of practice data knows its practice (sessions, their roots and addenda, homework): existing rows take their parent's;
on PostgreSQL the database refuses a practice other than the parent's and shows each request
only its practice's rows (api/tenancy.py)."""

import django.db.models.deletion
from django.db import migrations, models

from api.tenancy_sql import (
    backfill_practice,
    practice_of_parent,
    referable_with_practice,
    row_level_security,
)


def practice_column(null):
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="accounts.practice",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_practice_rows"),
        ("therapy_sessions", "0005_encrypt_homework_text"),
    ]

    operations = [
        migrations.AddField(model_name="session", name="practice", field=practice_column(True)),
        backfill_practice("therapy_sessions_session", "client_id", "clients_client"),
        migrations.AlterField(model_name="session", name="practice", field=practice_column(False)),
        migrations.AddField(model_name="sessionroot", name="practice", field=practice_column(True)),
        backfill_practice("therapy_sessions_sessionroot", "session_id", "therapy_sessions_session"),
        migrations.AlterField(model_name="sessionroot", name="practice", field=practice_column(False)),
        migrations.AddField(model_name="addendum", name="practice", field=practice_column(True)),
        backfill_practice("therapy_sessions_addendum", "session_id", "therapy_sessions_session"),
        migrations.AlterField(model_name="addendum", name="practice", field=practice_column(False)),
        migrations.AddField(model_name="homework", name="practice", field=practice_column(True)),
        backfill_practice("therapy_sessions_homework", "client_id", "clients_client"),
        migrations.AlterField(model_name="homework", name="practice", field=practice_column(False)),
        referable_with_practice("therapy_sessions_session"),
        practice_of_parent("therapy_sessions_session", "client_id", "clients_client"),
        practice_of_parent("therapy_sessions_sessionroot", "session_id", "therapy_sessions_session"),
        practice_of_parent("therapy_sessions_addendum", "session_id", "therapy_sessions_session"),
        practice_of_parent("therapy_sessions_homework", "client_id", "clients_client"),
        practice_of_parent("therapy_sessions_homework", "session_id", "therapy_sessions_session"),
        row_level_security("therapy_sessions_session"),
        row_level_security("therapy_sessions_sessionroot"),
        row_level_security("therapy_sessions_addendum"),
        row_level_security("therapy_sessions_homework"),
        row_level_security("therapy_sessions_homeworktemplate", shared_when_null=True),
    ]
