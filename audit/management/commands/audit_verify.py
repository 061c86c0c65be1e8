from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit seal chain and every sealed row; name the first row or seal "
        "that does not match. Exits non-zero when anything was altered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="List every problem found.")

    def handle(self, *args, **options):
        result = verify_chain(stop_at_first=not options["all"])
        for problem in result.problems:
            self.stderr.write(problem)
        summary = f"{result.seals_checked} seal(s), {result.rows_checked} row(s) checked"
        if not result.ok:
            raise CommandError(f"audit chain does NOT verify: {summary}")
        self.stdout.write(self.style.SUCCESS(f"audit chain verifies: {summary}"))
