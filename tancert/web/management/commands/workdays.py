

from django.core.management.base import BaseCommand, CommandError

from tancert.scheme.workdays import add_workdays


class Command(BaseCommand):
    help = "`workdays add DATE N`: the date N Chinese working days after DATE (R7.2-deadline)."

    def add_arguments(self, parser):
        parser.add_argument("op", choices=["add"])
        parser.add_argument("date")
        parser.add_argument("n", type=int)

    def handle(self, *args, op, date: str, n: int, **opts):
        try:
            start = __import__("datetime").date.fromisoformat(date)
        except ValueError as exc:
            raise CommandError(f"DATE must be YYYY-MM-DD, got {date!r}") from exc
        if n < 0:
            raise CommandError("N must be ≥ 0")
        result = add_workdays(start, n)
        self.stdout.write(result.date.isoformat())
        if result.uses_fallback:
            self.stderr.write(f"warning: no official calendar for {sorted(result.fallback_years)}; counted Monday–Friday")
