"""Issue a signature certificate from the command line (staff and tests).

Either the key pair is generated here — the private key is written to ``--out`` (0600) for the
employee to keep, and only the public part goes to the CA — or an existing ``--csr`` is used.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from signatures import ca
from signatures.services.ca import certificate_issue


class Command(BaseCommand):
    help = "Issue a certificate of the university CA for a user (key generated locally or a CSR)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The holder's login.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--out", help="Generate a key pair; write the private key here.")
        source.add_argument("--csr", help="Issue for this existing CSR file (PEM or DER).")
        parser.add_argument("--key-type", choices=["ec", "ec384", "rsa"], default="ec")
        parser.add_argument(
            "--key-passphrase-env",
            help="Encrypt the generated private key with the passphrase in this variable.",
        )
        parser.add_argument("--cert-out", help="Where to write the certificate (PEM).")
        parser.add_argument(
            "--issued-by",
            help="Login of the issuing IT employee (default: the first active superuser).",
        )

    def handle(self, *args, **options):
        users = get_user_model().objects
        holder = users.filter(username=options["user"]).first()
        if holder is None:
            raise CommandError(f"No user with login {options['user']!r}.")
        if options["issued_by"]:
            actor = users.filter(username=options["issued_by"], is_active=True).first()
        else:
            actor = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No issuing account: pass --issued-by <login>.")

        key_path = None
        if options["out"]:
            key_path = Path(options["out"])
            if key_path.exists():
                raise CommandError(f"{key_path} already exists; not overwriting a private key.")
            passphrase = None
            if options["key_passphrase_env"]:
                passphrase = os.environ.get(options["key_passphrase_env"])
                if not passphrase:
                    raise CommandError(f"${options['key_passphrase_env']} is empty.")
            key = ca.generate_key(options["key_type"])
            csr = (
                x509.CertificateSigningRequestBuilder()
                .subject_name(x509.Name([]))
                .sign(key, hashes.SHA256())
            )
            csr_pem = csr.public_bytes(serialization.Encoding.PEM)
        else:
            csr_pem = Path(options["csr"]).read_bytes()

        try:
            issued = certificate_issue(actor=actor, user=holder, csr_pem=csr_pem)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc

        if key_path is not None:
            # Only after the CA accepted it: no orphan key files for refused requests.
            ca.write_private_file(key_path, ca.private_key_to_pem(key, passphrase))
            self.stdout.write(f"Private key (keep it secret, 0600): {key_path}")
        cert_out = Path(
            options["cert_out"] or (key_path or Path(options["csr"])).with_suffix(".crt")
        )
        cert_out.write_text(issued.certificate_pem)
        self.stdout.write(f"Certificate: {cert_out}")
        self.stdout.write(f"Serial number: {issued.serial_number}")
        self.stdout.write(f"Valid until: {issued.not_after:%Y-%m-%d %H:%M %Z}")
