"""Every row of practice data knows its practice (presenting roots): existing rows take their parent's;
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
        ("accounts", "0003_practice_time_zone"),
        ("clients", "0002_encrypt_presenting_root_note"),
    ]

    operations = [
        migrations.AddField(model_name="presentingroot", name="practice", field=practice_column(True)),
        backfill_practice("clients_presentingroot", "client_id", "clients_client"),
        migrations.AlterField(model_name="presentingroot", name="practice", field=practice_column(False)),
        referable_with_practice("clients_client"),
        practice_of_parent("clients_presentingroot", "client_id", "clients_client"),
        row_level_security("clients_client"),
        row_level_security("clients_presentingroot"),
    ]
