"""Rule keys for staff only (docs/i18n.md, Language discipline).

``{% rule key %}`` shows a rule key (R7.2-deadline) as a small reference with the rule's Chinese text on
hover — to staff. A client, an anonymous visitor and every document rendered without a request (contract,
audit plan, report, certificate) get nothing: a key means nothing to them. The body's own policy
("body policy") is shown to staff as 本机构规定.

``{{ source|basis }}`` is what a document given to a client says instead: the clause of the certification
rules in Chinese (认证规则第7.3.3条, 认证规则附录B), 本机构规定, or an IAF document's own code.

Installed as a template builtin (settings.TEMPLATES), so no template has to load it.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html

from tancert.scheme import rulebook

register = template.Library()

BODY_POLICY = "本机构规定"


def _lookup(key: str):
    try:
        return rulebook.rule(key)
    except KeyError:
        return None


def _is_staff(context) -> bool:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return bool(user is not None and user.is_authenticated and not getattr(user, "is_client", True))


@register.simple_tag(takes_context=True)
def rule(context, *keys) -> str:
    """Each key as ``<span class="rule" title="…">key</span>`` for staff; nothing for anyone else."""
    if not _is_staff(context):
        return ""
    out = []
    for key in keys:
        key = str(key or "").strip()
        if not key:
            continue
        if key.lower() == "body policy":
            out.append(format_html('<span class="rule" title="{}">{}</span>', "认证机构自行规定（产品默认值）",
                                   BODY_POLICY))
            continue
        found = _lookup(key)
        title = f"{found.title_zh}：{found.source_zh}" if found else key
        out.append(format_html('<span class="rule" title="{}">{}</span>', title, key))
    return format_html(" ".join(["{}"] * len(out)), *out) if out else ""


@register.filter
def basis(source) -> str:
    """A justification's source as a client may read it: the clause of the rules, not the key."""
    source = str(source or "").strip()
    if not source or source.lower() == "body policy":
        return BODY_POLICY
    return rulebook.citation(source)  # IAF MD1, IAF MD5: the document's own code


@register.filter
def clause_text(clause) -> str:
    """A finding's clause as a client reads it (rulebook.citation)."""
    return rulebook.citation(str(clause or ""))


@register.filter
def tree_label(version) -> str:
    """A clause tree version in Chinese ("inferred-2026-11" → 推定版（2026-11）)."""
    return rulebook.clause_tree_label(str(version or "") or None)


# The GHG engine's and the checklist's codes as a document given to a client states them.
GHG_METHODS = {"iso14064-1": "ISO 14064-1:2018 组织层面温室气体清单（采用国家缺省值）",
               "gbt32150-2015": "GB/T 32150-2015", "gbt32150-2025": "GB/T 32150—2025"}
CONFIDENCE = {"checked": "已核对官方文件", "secondary": "二手来源", "unverified": "未核实"}
EVIDENCE_KINDS = {"note": "记录", "photo": "照片", "document": "文件", "interview": "访谈"}


@register.filter
def ghg_method(code) -> str:
    code = str(code or "")
    return GHG_METHODS.get(code) or (code.upper().replace("GBT", "GB/T ") if code.startswith("gbt") else code)


@register.filter
def sample_method(rule) -> str:
    from tancert.audits.carbon.labels import sample_method as label

    return label(str(rule or ""))


@register.filter
def confidence(code) -> str:
    return CONFIDENCE.get(str(code or ""), str(code or ""))


@register.filter
def evidence_kind(code) -> str:
    return EVIDENCE_KINDS.get(str(code or ""), str(code or ""))


@register.filter
def without_key(statement) -> str:
    """The engine's sentence without its leading "[R7.5.1] " citation (a key is for staff)."""
    return re.sub(r"^\[[A-Z][\w.-]*\]\s*", "", str(statement or ""))


@register.filter
def version_label(version) -> str:
    """A rule table's or policy's version id as people read it: "policy-2026-12" → "2026-12 版"."""
    version = str(version or "")
    return re.sub(r"^[a-z_]+-", "", version) + " 版" if re.match(r"^[a-z_]+-\d", version) else version


@register.filter
def indicator_zh(indicator) -> str:
    """"absolute" → 绝对排放, "intensity:熟料" → 熟料排放强度."""
    indicator = str(indicator or "")
    if indicator == "absolute":
        return "绝对排放"
    kind, _, product = indicator.partition(":")
    return f"{product}排放强度" if kind == "intensity" and product else indicator


@register.filter
def factor_zh(factor_id) -> str:
    """A factor's id as a client reads it ("GBT32150-2015-B/fuel:natural_gas/NCV" → "天然气 低位发热量")."""
    from tancert.ghg.sources_zh import factor_zh as label

    return label(str(factor_id or ""))


@register.filter
def source_zh(document, clause="") -> str:
    """A factor's document and clause in Chinese ("MEE/NBS Announcement 2024 No. 33", "national average")."""
    from tancert.ghg.sources_zh import source_zh as label

    return label(str(document or ""), str(clause or ""))
