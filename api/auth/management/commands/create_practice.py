from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from api.auth.services import practice_create


class Command(BaseCommand):
    help = "Create a practice and its first admin (who then manages staff at /api/v1/users/)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The practice's name.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--admin-name", default="Administrator", help="The admin's full name.")
        parser.add_argument(
            "--time-zone",
            help="The practice's IANA time zone, e.g. Europe/London (default: the "
            "PRACTICE_TIME_ZONE setting). Dates such as today are the practice's local dates.",
        )

    def handle(self, *args, **options):
        try:
            admin = practice_create(
                name=options["name"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
                admin_full_name=options["admin_name"],
                time_zone=options["time_zone"],
            )
        except ValidationError as error:
            messages = [
                f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.detail.items()
            ]
            raise CommandError("; ".join(messages)) from error
        practice = admin.practice
        self.stdout.write(
            f"Created practice {practice.name!r} ({practice.pk}), time zone {practice.time_zone}."
        )
        self.stdout.write(f"Admin: {admin.email}")
