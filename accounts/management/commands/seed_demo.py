from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, seed_demo
from accounts.roles import role_label


class Command(BaseCommand):
    help = "Load a small demo university with one user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it refuses to run with DEBUG "
                "off. Use --force only on a throw-away database."
            )
        rows = seed_demo()
        self.stdout.write("Demo users (login / password / role):")
        for spec, created in rows:
            role = role_label(spec.role) if spec.role else "superuser"
            note = "" if created else "  (existing; password kept as it was)"
            self.stdout.write(f"  {spec.username:<15} {DEMO_PASSWORD}  {role}{note}")
