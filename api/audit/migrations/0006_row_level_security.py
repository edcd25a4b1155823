"""On PostgreSQL each request reads only its practice's audit events (api/tenancy.py); events of
no practice (a sign-in with an unknown email) may be written from any scope and are read only
across practices."""

from django.db import migrations

from api.tenancy_sql import row_level_security


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_mfa_actions")]

    operations = [row_level_security("audit_auditevent", log=True)]
