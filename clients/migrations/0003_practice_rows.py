"""Every row of practice data knows its practice (presenting roots). Existing rows take their
parent's; on PostgreSQL the database refuses a practice other than the parent's and shows each
request only its practice's rows (api/tenancy.py)."""

from django.db import migrations

from api.tenancy_sql import (
    practice_from_parent,
    practice_of_parent,
    referable_with_practice,
    row_level_security,
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_practice_time_zone"),
        ("clients", "0002_encrypt_presenting_root_note"),
    ]

    operations = [
        *practice_from_parent(
            "presentingroot", "clients_presentingroot", "client_id", "clients_client"
        ),
        referable_with_practice("clients_client"),
        practice_of_parent("clients_presentingroot", "client_id", "clients_client"),
        row_level_security("clients_client"),
        row_level_security("clients_presentingroot"),
    ]
