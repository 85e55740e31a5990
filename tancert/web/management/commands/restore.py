"""`tancert restore FOLDER`: a backup into the configured empty database and TANCERT_HOME, then the record
verified (tancert/backup.py, docs/deployment.md, Restore)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tancert import backup


class Command(BaseCommand):
    help = ("Restore a backup FOLDER into the database DATABASE_URL names (it must be empty) and into TANCERT_HOME, "
            "then verify the record chain against the restored checkpoints and keys.")

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **opts):
        try:
            done = backup.restore(Path(folder))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {folder} (backup of {done.manifest['started']})")
        result = done.verify
        if result.ok:
            self.stdout.write(f"OK: {result.count} events, chain intact, every signature valid")
            return
        self.stderr.write(f"restored, but the record does not verify: {result.reason}")
        self.stderr.write(f"已恢复，但记录链校验未通过：{result.as_dict()['message_zh']}")
        sys.exit(1)
