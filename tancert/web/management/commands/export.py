import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tancert.certificates.export import regulator as export


class Command(BaseCommand):
    help = ("Exports. `regulator YYYY-MM OUT.xlsx` writes the month's regulator report (fixed sheets, "
            f"mapping version {export.MAPPING_VERSION}); OUT.json writes the same as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["regulator"])
        parser.add_argument("period", help="YYYY-MM")
        parser.add_argument("out", help="OUT.xlsx or OUT.json")

    def handle(self, what, period, out, **opts):
        try:
            xlsx, record = export.generate(period)
        except export.BadPeriod as exc:
            raise CommandError(str(exc)) from None
        path = Path(out)
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(export.as_json(period), ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            path.write_bytes(xlsx)
        counts = ", ".join(f"{k} {v}" for k, v in record.counts.items())
        self.stdout.write(f"{path}: {period}, mapping {record.mapping_version}: {counts}")
