"""Chinese labels for what the GHG engine reports in codes (docs/i18n.md, Language discipline): the
severity of a data-quality finding, the kind and activity of a record, the sampling method, the category."""

from __future__ import annotations

import re

from tancert.ghg.library import ACTIVITY_NAMES, KIND_NAMES, OWN_NAMES
from tancert.ghg.sampling import SAMPLE_METHOD_ZH

SEVERITY = {"blocking": "阻断", "warning": "警告", "info": "信息"}
KINDS = {**KIND_NAMES, "fugitive": "逸散排放", "other": "其他", "transport": "运输", "waste": "废弃物"}
CATEGORIES = {"1": "类别1 直接排放", "2": "类别2 输入能源间接排放", "3": "类别3 运输", "4": "类别4 组织使用的产品",
              "5": "类别5 组织产品的使用", "6": "类别6 其他"}
SAMPLE_METHOD = SAMPLE_METHOD_ZH  # the engine's method (sampling.py, R6.2-sampling) in Chinese


def activity(kind: str, name: str) -> str:
    """"fuel", "natural_gas" → "燃料燃烧 · 天然气"; a name the library does not know is the client's own text."""
    kind_zh = KINDS.get(kind, kind)
    key = f"{kind}:{name}"
    return f"{kind_zh} · {ACTIVITY_NAMES.get(key) or OWN_NAMES.get(key, name)}" if name else kind_zh


def sample_method(rule: str) -> str:
    return SAMPLE_METHOD if rule.startswith("stratified random sample") else rule


def severity(code: str) -> str:
    return SEVERITY.get(code, code)


# The uncertainty notes of the engine (ghg/uncertainty.py) in Chinese; an unknown note is shown as it is.
_NOTES = [
    (re.compile(r"^(\d+) records state no activity-data uncertainty"), "{} 条记录未填写活动数据不确定性（按 0 计：区间被低估）"),
    (re.compile(r"^(\d+) records state no factor uncertainty"), "{} 条记录未填写排放因子不确定性（按 0 计：区间被低估）"),
    (re.compile(r"^some sources exceed ±60%"), "部分排放源超过 ±60%：方法一在这些排放源上不可靠，请使用蒙特卡洛（方法二）"),
]


def uncertainty_note(note: str) -> str:
    for pattern, zh in _NOTES:
        m = pattern.match(note)
        if m:
            return zh.format(*m.groups())
    return note
