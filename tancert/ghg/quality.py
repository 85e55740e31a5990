"""Data-quality checks of R6.1-a, R6.1-c and R6.3-sampling (scheme CEC-7048CMS-A/2, §6).

Same design as tancert.ghg.checks: decided once per distinct text value (level) or per row class,
turned into row masks by whole-array passes, rows listed only when the findings are read. All
three are warnings — evidence the auditor must obtain — never blocking: the engine cannot tell a
justified estimate or a representative factor from the data alone, it can only point at them.
"""

from __future__ import annotations

import numpy as np

from .findings import WARNING, Findings
from .inventory import K_FUEL, Inventory
from .model import blank_view, canonical

# R6.1-c: words of a data source that is not a production/operation statistics record of the
# organisation but an estimate or an outside figure (matched case-insensitively as substrings).
# A product list, not a scheme list: the scheme names the records (6.2 cross-check sources), not
# the non-records.
NOT_RECORD_WORDS = ("估算", "推估", "估计", "预估", "推算", "经验值", "假设", "行业平均", "文献", "典型值", "外部数据",
                    "estimate", "assum", "industry average", "literature", "typical value", "proxy", "guess",
                    "external data")

# R6.3-sampling: the only measurement frequency the reference gives (reference/quantification.md
# §4, confidence *secondary*): the MEE power-facility guideline requires coal carbon content to
# be measured monthly. Applied to the coal fuels under that guideline's method only.
MONTHLY_CC = {"method": "mee-power-2022", "fuels": ("coal", "anthracite", "bituminous_coal", "lignite", "washed_coal"),
              "confidence": "secondary"}


# Chinese wording of the findings (message_zh, RR-language)
WHAT_ZH = {"kind of source": "排放源类型", "fuel / material / energy type": "燃料 / 物料 / 能源类型",
           "factor's technology / equipment type": "排放因子的技术 / 设备类型"}
SAMPLES_ZH = "实测排放因子未说明样品数量（factor_samples）"


def not_a_record(source: str) -> bool:
    s = source.casefold()
    return any(w in s for w in NOT_RECORD_WORDS)


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def check_accuracy(inv: Inventory, f: Findings) -> None:
    """R6.1-c: activity data come from the organisation's production and operation statistics
    records; an estimate or an outside figure needs a recorded justification."""
    t = inv.table
    src = t.t("data_source")
    just = t.t("source_justification")
    ok = np.fromiter((not_a_record(s) for s in src.levels), bool, len(src.levels))
    if not ok.any() or "" not in just.levels:
        return
    f.add_mask("R6.1-c", WARNING, "activity datum is an estimate or an outside figure, not the organisation's production "
               "and operation statistics records, and no justification (source_justification) is given", t.sheet,
               t.rows, lambda: src.select(ok) & just.blank(),
               message_zh="活动数据为估算值或外部数据，而非组织的生产经营统计记录，且未说明理由（source_justification）")


def check_representativeness(inv: Inventory, f: Findings) -> None:
    """R6.1-a: the data reflect the source's actual kind, fuel / material type and technology —
    where the Sources sheet declares them and the record states its own (kind, activity,
    factor_technology)."""
    t = inv.table
    declared = {s.source_id: s for s in inv.dataset.sources if s.activity or s.technology or s.kind}
    if not declared or not len(t):
        return
    src = t.t("source_id")
    for attr, col, what, norm in (("kind", "kind", "kind of source", canonical),  # 燃料燃烧 = fuel
                                  ("activity", "activity", "fuel / material / energy type", _norm),
                                  ("technology", "factor_technology", "factor's technology / equipment type", _norm)):
        want = [norm(getattr(declared[s], attr)) if s in declared else "" for s in src.levels]
        if not any(want):
            continue
        cat = t.t(col)
        code_of: dict[str, int] = {}
        for code, v in enumerate(cat.levels):
            code_of.setdefault(norm(v), code)
        # expected code of the record's column per source level: -1 nothing declared, -2 declared
        # but never used in the column (every stated value of that source differs)
        exp = np.array([code_of.get(w, -2) if w else -1 for w in want], np.int32)  # int32 like the codes: no cast
        blank_code = code_of.get("", -3) if "" in cat.levels else -3

        def mask(exp=exp, cat=cat, blank_code=blank_code):
            e = exp[src.codes]
            return (e != -1) & (cat.codes != e) & (cat.codes != blank_code)

        cache: dict = {}

        def detail(k: int, cat=cat, want=want, what=what, mask=mask, cache=cache) -> str:
            if not cache:
                cache["i"] = np.flatnonzero(mask())
            i = cache["i"][k]
            return f"{what}: record {cat.levels[cat.codes[i]]!r}, source {src.levels[src.codes[i]]} declares {want[src.codes[i]]!r}"

        f.add_mask("R6.1-a", WARNING, f"{what} of the record does not match the source's declared one (Sources sheet): "
                   "the data may not reflect actual production", t.sheet, t.rows, mask, detail,
                   message_zh=f"记录的{WHAT_ZH[what]}与排放源清单（Sources 工作表）中声明的不一致：数据可能不能反映实际生产")


def check_factor_sampling(inv: Inventory, f: Findings, tier_a: np.ndarray) -> None:
    """R6.3-sampling: a measured factor (tier a, or the measured part of a combination) states its
    sampling method and number of samples; coal carbon content under the MEE power-facility
    guideline has at least one sample per month.

    tier_a: per row class, the rows whose own values are measured."""
    if not tier_a.any():
        return
    t = inv.table
    sm = t.t("factor_sampling_method")
    if "" in sm.levels:
        f.add_mask("R6.3-sampling", WARNING, "measured factor: sampling principle and method (factor_sampling_method) "
                   "not stated", t.sheet, t.rows, lambda: inv.rows_where(tier_a) & sm.blank(),
                   message_zh="实测排放因子未说明抽样原则和方法（factor_sampling_method）")
    n = t.num["factor_samples"]
    if blank_view(n):
        f.add_lazy("R6.3-sampling", WARNING, "measured factor: number of samples (factor_samples) not stated", t.sheet,
                   inv.count_where(tier_a), lambda: t.rows[inv.rows_where(tier_a)], message_zh=SAMPLES_ZH)
        return
    f.add_mask("R6.3-sampling", WARNING, "measured factor: number of samples (factor_samples) not stated", t.sheet,
               t.rows, lambda: inv.rows_where(tier_a) & np.isnan(n), message_zh=SAMPLES_ZH)
    if inv.dataset.settings.method != MONTHLY_CC["method"]:
        return
    act = t.t("activity")
    coal = np.array([a in MONTHLY_CC["fuels"] for a in act.levels] or [False])[inv.cls_codes["activity"]]
    cc = tier_a & inv.cls_given["CC"] & (inv.cls["kind"] == K_FUEL) & coal
    if not cc.any():
        return
    months = np.where(t.period_month == 0, 12, 1)  # per distinct period: an annual record spans 12 months

    def few():
        return inv.rows_where(cc) & (n < months[t.period])  # NaN (not stated) is reported above

    cache: dict = {}

    def detail(k: int) -> str:
        if not cache:
            cache["i"] = np.flatnonzero(few())
        i = cache["i"][k]
        return f"{n[i]:g} samples for {months[t.period[i]]} month(s)"

    f.add_mask("R6.3-sampling", WARNING, "coal carbon content measured less often than monthly, as the MEE power-facility "
               f"guideline requires (reference confidence: {MONTHLY_CC['confidence']})", t.sheet, t.rows, few, detail,
               message_zh="燃煤元素碳含量的实测频次低于生态环境部发电设施指南要求的每月一次"
               f"（参考资料可信度：{MONTHLY_CC['confidence']}）")
