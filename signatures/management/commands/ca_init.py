"""Create the university CA: an encrypted key and a self-signed certificate (C2, EDO 5.5)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from signatures import ca
from signatures.services.ca import ca_initialize


class Command(BaseCommand):
    help = (
        "Create the university CA's key (encrypted with KSTU_CA_KEY_PASSPHRASE) and its "
        "self-signed certificate at KSTU_CA_KEY_PATH / KSTU_CA_CERT_PATH, and add it to the "
        "trust list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--key-type", choices=["ec", "ec384", "rsa"], default="ec")
        parser.add_argument("--days", type=int, default=ca.CA_VALIDITY_DAYS)
        parser.add_argument(
            "--force", action="store_true", help="Replace existing CA files (a new CA key)."
        )
        parser.add_argument(
            "--insecure-dev",
            action="store_true",
            help="Allow an unencrypted key when no passphrase is set (development only).",
        )

    def handle(self, *args, **options):
        try:
            anchor = ca_initialize(
                key_type=options["key_type"],
                force=options["force"],
                insecure=options["insecure_dev"],
                days=options["days"],
            )
        except ca.CAError as exc:
            raise CommandError(str(exc)) from exc
        cert_path, key_path = ca.ca_paths()
        self.stdout.write(f"CA certificate: {cert_path}")
        self.stdout.write(f"CA key (0600): {key_path}")
        self.stdout.write(f"SHA-256 fingerprint: {anchor.fingerprint_sha256}")
