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

    def handle(self, *args, **options):
        try:
            admin = practice_create(
                name=options["name"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
                admin_full_name=options["admin_name"],
            )
        except ValidationError as error:
            messages = [
                f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.detail.items()
            ]
            raise CommandError("; ".join(messages)) from error
        self.stdout.write(f"Created practice {admin.practice.name!r} ({admin.practice_id}).")
        self.stdout.write(f"Admin: {admin.email}")
