from django.core.management.base import BaseCommand

from audit.services import audit_seal_new_rows


class Command(BaseCommand):
    help = "Seal the audit rows written since the last seal (the beat task does this too)."

    def handle(self, *args, **options):
        count = 0
        while (seal := audit_seal_new_rows()) is not None:
            count += 1
            self.stdout.write(f"seal #{seal.pk}: {seal.row_count} row(s)")
        self.stdout.write(f"{count} new seal(s)")
