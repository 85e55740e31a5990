import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tancert.certificates import seal


class Command(BaseCommand):
    help = ("Certificate integrity seal: `verify FILE [--key PUBLIC.pem] [--cert SIGNING.pem]` checks a certificate "
            "PDF (its PAdES signature over the whole file, and its seal) or a certificate-seal.json offline; "
            "`public-key` prints the body's public key (PEM).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "public-key"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--key", help="the body's public key (PEM) as published on the register")
        parser.add_argument("--cert", help="the body's signing certificate (PEM) as published on the register; "
                                           "the PDF's signature must be made with it")

    def handle(self, what, file=None, key=None, cert=None, **opts):
        if what == "public-key":
            self.stdout.write(seal.public_pem(seal.private_key().public_key()).decode())
            return
        if not file:
            raise CommandError("usage: tancert seal verify FILE [--key PUBLIC.pem]")
        if not Path(file).is_file():
            raise CommandError(f"no such file: {file}")
        pem = Path(key).read_bytes() if key else seal.public_pem(seal.private_key().public_key())
        result = seal.verify_file(file, pem, Path(cert).read_bytes() if cert else None)
        if result.ok:
            c = result.content
            self.stdout.write(f"VALID seal: certificate {c['number']} · {c['organisation_name']} · "
                              f"{c['issue_date']} – {c['expiry_date']} (version {c.get('version', 1)})")
            self.stdout.write("The PDF is signed and unchanged, its content as issued. Check the current status on "
                              "the public register.")
        else:
            self.stderr.write(f"INVALID: {result.reason}")
            sys.exit(1)
