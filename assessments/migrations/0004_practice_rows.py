"""Every row of practice data knows its practice (assessments and risk flags). Existing rows take
their parent's; on PostgreSQL the database refuses a practice other than the parent's and shows
each request only its practice's rows (api/tenancy.py)."""

from django.db import migrations

from api.tenancy_sql import (
    practice_from_parent,
    practice_of_parent,
    referable_with_practice,
    row_level_security,
)


class Migration(migrations.Migration):
    dependencies = [
        ("therapy_sessions", "0006_practice_rows"),
        ("assessments", "0003_same_day_reason"),
    ]

    operations = [
        *practice_from_parent(
            "assessment", "assessments_assessment", "client_id", "clients_client"
        ),
        *practice_from_parent("riskflag", "assessments_riskflag", "client_id", "clients_client"),
        referable_with_practice("assessments_assessment"),
        practice_of_parent("assessments_assessment", "client_id", "clients_client"),
        practice_of_parent("assessments_assessment", "session_id", "therapy_sessions_session"),
        practice_of_parent("assessments_riskflag", "client_id", "clients_client"),
        practice_of_parent("assessments_riskflag", "assessment_id", "assessments_assessment"),
        row_level_security("assessments_assessment"),
        row_level_security("assessments_riskflag"),
    ]
