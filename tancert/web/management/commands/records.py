import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tancert.clients.models import Organisation
from tancert.records import chain
from tancert.records.archive import organisation_archive


class Command(BaseCommand):
    help = "Records: `verify` recomputes the hash chain; `export ORG_ID FILE.zip` writes an organisation's archive."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "export"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--json", action="store_true")

    def handle(self, what, *args, **opts):
        if what == "verify":
            result = chain.verify()
            if opts["json"]:
                self.stdout.write(json.dumps(result.as_dict()))
            elif result.ok:
                self.stdout.write(f"OK: {result.count} events, chain intact")
            else:
                self.stderr.write(f"BROKEN at event #{result.broken_seq}: {result.reason}")
            if not result.ok:
                sys.exit(1)
            return
        if len(args) != 2:
            raise CommandError("usage: tancert records export ORG_ID FILE.zip")

        org = Organisation.objects.filter(pk=args[0]).first()
        if org is None:
            raise CommandError(f"no organisation {args[0]}")
        with open(args[1], "wb") as fh:
            fh.write(organisation_archive(org, by=None))
        self.stdout.write(f"wrote {args[1]}")
