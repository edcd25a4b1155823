"""Every row of practice data knows its practice (assessments and risk flags): existing rows take their parent's;
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
        ("therapy_sessions", "0006_practice_rows"),
        ("assessments", "0003_same_day_reason"),
    ]

    operations = [
        migrations.AddField(model_name="assessment", name="practice", field=practice_column(True)),
        backfill_practice("assessments_assessment", "client_id", "clients_client"),
        migrations.AlterField(model_name="assessment", name="practice", field=practice_column(False)),
        migrations.AddField(model_name="riskflag", name="practice", field=practice_column(True)),
        backfill_practice("assessments_riskflag", "client_id", "clients_client"),
        migrations.AlterField(model_name="riskflag", name="practice", field=practice_column(False)),
        referable_with_practice("assessments_assessment"),
        practice_of_parent("assessments_assessment", "client_id", "clients_client"),
        practice_of_parent("assessments_assessment", "session_id", "therapy_sessions_session"),
        practice_of_parent("assessments_riskflag", "client_id", "clients_client"),
        practice_of_parent("assessments_riskflag", "assessment_id", "assessments_assessment"),
        row_level_security("assessments_assessment"),
        row_level_security("assessments_riskflag"),
    ]
