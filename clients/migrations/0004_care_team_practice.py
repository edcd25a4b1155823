"""The care team's rows know their practice, as every row of practice data does: the plain
many-to-many table becomes the explicit CareTeamMember (the table itself is unchanged), whose
rows take their client's practice; on PostgreSQL the database checks it and shows each request
only its practice's rows (api/tenancy.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from api.tenancy_sql import practice_from_parent, practice_of_parent, row_level_security

TABLE = "clients_client_care_team"


def reference(to: str, on_delete):
    return models.ForeignKey(on_delete=on_delete, related_name="+", to=to)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_practice_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The model takes over the table as it is: no statement runs.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CareTeamMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("client", reference("clients.client", models.CASCADE)),
                        ("user", reference(settings.AUTH_USER_MODEL, models.CASCADE)),
                    ],
                    options={"db_table": TABLE, "unique_together": {("client", "user")}},
                ),
                migrations.AlterField(
                    model_name="client",
                    name="care_team",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="care_team_clients",
                        through="clients.CareTeamMember",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        *practice_from_parent("careteammember", TABLE, "client_id", "clients_client"),
        practice_of_parent(TABLE, "client_id", "clients_client"),
        row_level_security(TABLE),
    ]
