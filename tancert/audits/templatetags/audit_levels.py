"""`{% level_sections audit %}`: the carbon page's section per scope level the audit covers (product, project,
event; tancert/audits/carbon/levels). A tag, so the carbon page's own view stays as it is."""

from __future__ import annotations

from django import template

from tancert.audits.carbon.levels import actions, summary
from tancert.audits.carbon.levels.forms import (
    ConfirmLevelFindingForm,
    DismissLevelFindingForm,
    LevelUploadForm,
)
from tancert.audits.models import Audit
from tancert.audits.models.levels import LEVELS
from tancert.audits.team import on_team

register = template.Library()
SEVERITY_ZH = {"blocking": "阻断", "warning": "警告", "info": "信息"}


def _section(audit: Audit, level: str, user, errors) -> dict:
    up = actions.current_level_upload(audit, level)
    answers = {a.key: a for a in up.answers.select_related("finding")} if up else {}
    lines = [b | {"answer": answers.get(b["key"]), "severity_zh": SEVERITY_ZH.get(b["severity"], b["severity"])}
             for b in (up.findings if up else [])]
    return {"code": level, "label": dict(LEVELS)[level], "rule": summary.RULE[level], "upload": up,
            "figures": up.figures if up else {}, "lines": lines,
            "blocking": [b for b in lines if b["severity"] == "blocking"],
            "uploads": audit.level_uploads.filter(level=level).select_related("uploaded_by").order_by("-version"),
            "frozen": audit.frozen_levels.filter(level=level).select_related("frozen_by").order_by("-version"),
            "errors": (errors or {}).get(level)}


@register.inclusion_tag("audits/_levels.html", takes_context=True)
def level_sections(context, audit: Audit):
    request = context["request"]
    user = request.user
    return {"audit": audit, "request": request, "csrf_token": context.get("csrf_token"),
            "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
            "levels": [_section(audit, lv, user, getattr(request, "level_errors", None))
                       for lv in actions.covered_levels(audit)],
            "member": on_team(audit, user), "leader": audit.leader() == user, "staff": not user.is_client,
            "open": audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "upload_form": LevelUploadForm(),
            "confirm_form": ConfirmLevelFindingForm(auto_id=False), "dismiss_form": DismissLevelFindingForm(auto_id=False)}
