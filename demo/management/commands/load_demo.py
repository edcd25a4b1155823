from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from api.tenancy import all_practices
from demo.appointments import load_appointments
from demo.clinical import load_clinical
from demo.measures import DEMO_MEASURE_TOKEN, load_measures
from demo.staff import MFA_SECRETS, PASSWORD, STAFF, load_staff
from demo.webhooks import load_webhooks


class Command(BaseCommand):
    help = "Load the demo practice (idempotent) and print its logins. Never run in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--even-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (a demo server, never real client data).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["even_without_debug"]:
            raise CommandError("Refusing to load demo data with DEBUG off.")
        with all_practices():
            staff = load_staff()
            load_clinical(staff)
            practice_id = next(iter(staff.values())).practice_id
            load_measures(practice_id)
            load_appointments(practice_id)
            load_webhooks(practice_id)
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for email, full_name, role, _ in STAFF:
            mfa = (
                f"  (two-factor; TOTP secret {MFA_SECRETS[email]})" if email in MFA_SECRETS else ""
            )
            self.stdout.write(f"  {role:<11} {email:<32} {full_name}{mfa}")
        link = f"{settings.ROOTWISE_PUBLIC_URL}/m/{DEMO_MEASURE_TOKEN}/"
        self.stdout.write(f"A client's measure link, to try the client's page: {link}")
