import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tancert.planning import audittime
from tancert.scheme.violations import RuleViolation


class Command(BaseCommand):
    help = ("`tancert audit-time FILE.json [--json] [--lang en]`: the audit time of a client described in JSON "
            "(R7.3.1, R7.3.3, Appendix B), with its line-by-line justification. FILE '-' reads standard input.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--lang", default="zh", choices=["zh", "en"])

    def handle(self, file, json=False, lang="zh", **opts):
        import json as jsonlib

        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            data = jsonlib.loads(text)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the client description: {exc}") from exc
        try:
            result = audittime.calculate(audittime.ClientProfile.from_dict(data))
        except RuleViolation as v:
            with translation.override("zh-hans" if lang == "zh" else "en"):
                raise CommandError(f"[{v.key}] {v.field or ''}: {v.message}") from v
        except (TypeError, KeyError, ValueError) as exc:
            raise CommandError(f"bad client description: {exc}") from exc
        if json:
            self.stdout.write(jsonlib.dumps(result.as_dict(), ensure_ascii=False, indent=1))
            return
        for line in result.justification(lang):
            self.stdout.write(line)
        self.stdout.write(f"= {result.planned_days} " + ("人日" if lang == "zh" else "auditor-days"))
