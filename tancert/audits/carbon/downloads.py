"""The data templates the client and the audit team download from the carbon page.

Each is written by its engine's own template writer (no factor is added here): the GHG inventory
(organisation level, R5.a, always), and the product (R5.b), project (R5.c) and activity/event (R5.d)
workbooks where the application the audit rests on covers that level (clients/scopes/rules.level_codes).
docs/ghg.md, "Templates on the carbon page".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.clients.estimate import application_for
from tancert.clients.scopes.rules import level_codes


@dataclass(frozen=True)
class Template:
    key: str
    level: str  # organisation, product, project, activity (R5.a–d)
    example: bool
    label: str
    filename: str


def _writer(level: str):
    if level == "product":
        from tancert.footprint.template import write_template as product

        return lambda path, example: product(path, example_data=example)
    if level == "project":
        from tancert.projects.template import write_template as project

        return lambda path, example: project(path, example=example)
    if level == "activity":
        from tancert.events.template import write_template as event

        return lambda path, example: event(path, example=example)
    from tancert.ghg.template import write_template as ghg

    return lambda path, example: ghg(path, example=example)


# (level, label of the empty template, label of the worked example, URL key, Chinese file-name stem)
LEVELS = [
    ("organisation", _("Greenhouse gas inventory template"), _("Greenhouse gas inventory worked example"),
     "ghg-inventory", "温室气体清单"),
    ("product", _("Product carbon footprint template"), _("Product carbon footprint worked example"),
     "product-footprint", "产品碳足迹"),
    ("project", _("Project reductions template"), _("Project reductions worked example"), "project-reductions",
     "项目减排量"),
    ("activity", _("Event (activity) emissions template"), _("Event (activity) emissions worked example"),
     "event-emissions", "活动排放"),
]
# The file names are Chinese like the workbooks' sheets (docs/i18n.md); the URL keys stay ASCII.
ALL = {t.key: t for level, empty, example, key, stem in LEVELS for t in (
    Template(key, level, False, empty, f"{stem}模板.xlsx"),
    Template(f"{key}-example", level, True, example, f"{stem}示例.xlsx"))}


def levels_for(audit: Audit) -> frozenset[str]:
    return level_codes(application_for(audit.application, audit.certificate))


def templates_for(levels: frozenset[str]) -> list[Template]:
    """The templates of the levels covered, the organisation's first (pure: tests pass the levels)."""
    return [t for t in ALL.values() if t.level == "organisation" or t.level in levels]


def write(template: Template, path: Path) -> Path:
    return _writer(template.level)(path, template.example)
