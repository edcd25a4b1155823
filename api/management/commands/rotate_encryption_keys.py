from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from api.encryption import encrypted_fields, in_batches
from api.tenancy import all_practices


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field of every model with the first of "
        "FIELD_ENCRYPTION_KEYS. To rotate: put the new key first and keep the old ones after it, "
        "deploy, run this command, then remove the old keys. Safe to run again at any time; a "
        "value that no configured key decrypts stops it with an error, changing nothing in "
        "that batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.stdout.write("Rows re-encrypted with the first of FIELD_ENCRYPTION_KEYS:")
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            rows = model._base_manager.only("pk")
            count = 0
            for batch in in_batches(rows, batch_size):
                count += self.reencrypt(model, fields, [row.pk for row in batch])
            self.stdout.write(f"  {model._meta.label} ({', '.join(fields)}): {count}")

    @staticmethod
    def reencrypt(model, fields: list[str], pks: list) -> int:
        """Decrypt and save again `fields` of those rows: saving encrypts with the first key.

        The rows are locked while this happens, so that a concurrent edit is not overwritten
        with the value read here."""
        with all_practices():
            rows = list(
                model._base_manager.select_for_update().filter(pk__in=pks).only("pk", *fields)
            )
            # bulk_update, not save(): a rotation must not touch updated_at.
            model._base_manager.bulk_update(rows, fields)
        return len(rows)
