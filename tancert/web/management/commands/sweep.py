from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tancert import sweep


class Command(BaseCommand):
    help = "Idempotent periodic work: expire certificates, remind reviewers of deadlines due tomorrow."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as if today were YYYY-MM-DD (for catching up)")

    def handle(self, *args, today=None, **opts):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD, got {today!r}") from exc
        for line in sweep.run(day).lines():
            self.stdout.write(line)
