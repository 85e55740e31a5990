import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tancert.clients.models import Organisation
from tancert.records import chain
from tancert.records.actions import rotate_records_key
from tancert.records.archive import organisation_archive


class Command(BaseCommand):
    help = ("Records: `verify` checks the hash chain, every event's signature and the signed checkpoints; "
            "`export ORG_ID FILE.zip` writes an organisation's archive; `rotate-key` replaces the records "
            "signing key (the old public key stays in the keyring).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "export", "rotate-key"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--head", action="append", default=[], metavar="FILE.json",
                            help="a signed head saved earlier from /register/records/head; the database must "
                                 "still reach it (repeatable)")

    def handle(self, what, *args, **opts):
        if what == "verify":
            return self._verify(opts["json"], opts["head"])
        if what == "rotate-key":
            old, new = rotate_records_key(by=None)
            self.stdout.write(f"records key rotated: {old} -> {new} (old public key kept in the keyring)")
            return
        if len(args) != 2:
            raise CommandError("usage: tancert records export ORG_ID FILE.zip")

        org = Organisation.objects.filter(pk=args[0]).first()
        if org is None:
            raise CommandError(f"no organisation {args[0]}")
        with open(args[1], "wb") as fh:
            fh.write(organisation_archive(org, by=None))
        self.stdout.write(f"wrote {args[1]}")

    def _verify(self, as_json: bool, head_files: list[str]):
        saved = []
        for name in head_files:
            try:
                with open(name, encoding="utf-8") as fh:
                    saved.append(json.load(fh))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read the saved head {name}: {exc}") from exc
        result = chain.verify(saved)
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        elif result.ok:
            latest = result.latest_checkpoint
            tail = (f"; signed checkpoint #{latest['seq']} of {latest['at']} matches"
                    if latest else "; no checkpoint file yet: a cut-off tail cannot be detected")
            self.stdout.write(f"OK: {result.count} events, chain intact, every signature valid{tail}")
        else:
            where = f"at event #{result.broken_seq}" if result.broken_seq else "in the files outside the database"
            self.stderr.write(f"BROKEN {where}: {result.reason}")
            self.stderr.write(f"记录链已被破坏：{result.as_dict()['message_zh']}")
        if not result.ok:
            sys.exit(1)
