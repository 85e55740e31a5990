"""`tancert backup FOLDER`: the database, the file store and the records' files outside the database, in an
order that keeps them consistent (tancert/backup.py, docs/deployment.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tancert import backup


class Command(BaseCommand):
    help = ("Back up into a new FOLDER: the database (pg_dump or SQLite's backup), the record checkpoints, the "
            "keys and the uploaded files, with a manifest of SHA-256 sums.")

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--without-private-keys", action="store_true",
                            help="leave the private keys out (keep them in a secret store and back them up there)")

    def handle(self, *args, folder, without_private_keys, **opts):
        try:
            manifest = backup.create(Path(folder), private_keys=not without_private_keys)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        keys = "without the private keys" if without_private_keys else "with the private keys: keep it secret"
        self.stdout.write(f"backup written to {folder}: {len(manifest['files'])} files, {manifest['vendor']} "
                          f"database, {keys}")
