"""Checks of a product footprint, as findings with their rule key (the GHG engine's Findings, so that
`tancert rules --mutate` switches a key's checks off: tancert/ghg/findings.py).

R6.3-pcf (CEC-7048CMS-A/2 §6.3): primary data from the processes the organisation owns, operates or
controls; where that is impossible, the most relevant secondary data. A controlled process that uses
secondary data without saying why primary data cannot be had is a blocking finding; with a reason it is a
warning for the auditor to judge.
R5.b (product level quantified by ISO 14067 / GB/T 24067): method choices the standard requires to be
documented — the allocation choice, the cut-off criteria and their effect, the boundary's stages.
"""

from __future__ import annotations

from tancert.ghg.findings import BLOCKING, INFO, WARNING, Findings

from .model import Model
from .sheets import EXCHANGES, GATE_STAGES, PROCESSES, STAGES


def check(model: Model, share: dict, quality: dict, cutoff_total_pct: float) -> Findings:
    f = Findings()
    _primary(model, f)
    _method(model, f, cutoff_total_pct)
    f.add("R6.3-pcf", INFO, f"primary data share {share['pct']:.1f} % of the result",
          PROCESSES.title, message_zh=f"初级数据占比 {share['pct']:.1f}%（按对结果的贡献）")
    if quality["without_scores"]:
        ids = ", ".join(quality["without_scores"][:20])
        f.add("R6.3-pcf", INFO, f"data-quality scores missing for {ids}", PROCESSES.title,
              [model.processes[p].row for p in quality["without_scores"]],
              message_zh=f"以下过程缺少数据质量评分：{ids}")
    for d in model.datasets.values():
        if d.confidence == "unverified":
            f.add("R6.3-pcf", WARNING, f"background data set {d.id} is unverified: compare it with its source "
                  "before the footprint is declared", "背景数据 Background" if not d.shipped else PROCESSES.title,
                  [d.row] if d.row else None, message_zh=f"背景数据集 {d.id} 未经核实：声明碳足迹前请与其来源核对")
    return f


def _primary(model: Model, f: Findings) -> None:
    """R6.3-pcf: a controlled process's amounts are primary data."""
    no_reason, with_reason = [], []
    for pid, p in model.processes.items():
        if not p.controlled:
            continue
        secondary = [e for e in model.by_process.get(pid, []) if e.type not in ("coproduct", "cutoff")
                     and e.data_type == "secondary"]
        if p.data_type == "primary" and not secondary:
            continue
        (with_reason if p.secondary_justification else no_reason).append((p, secondary))
    if no_reason:
        ids = ", ".join(p.id for p, _ in no_reason)
        f.add("R6.3-pcf", BLOCKING,
              f"processes the organisation owns, operates or controls use secondary data: {ids} — collect primary "
              "data (meters, ledgers, production records), or state why that is impossible in "
              "secondary_justification", PROCESSES.title, [p.row for p, _ in no_reason],
              message_zh=f"组织拥有、运营或控制的过程使用了次级数据：{ids}——请收集初级数据（计量、台账、生产记录），"
                         "或在“未采用初级数据的理由”中说明无法收集的原因")
    if with_reason:
        ids = ", ".join(p.id for p, _ in with_reason)
        f.add("R6.3-pcf", WARNING, f"controlled processes use secondary data with a stated reason: {ids} — "
              "the auditor judges whether primary data were impossible", PROCESSES.title,
              [p.row for p, _ in with_reason],
              message_zh=f"受控过程使用了次级数据并说明了理由：{ids}——由审核员判断是否确实无法取得初级数据")


def _method(model: Model, f: Findings, cutoff_total_pct: float) -> None:
    s = model.settings
    multi = [p for p in model.processes.values()
             if any(e.type == "coproduct" for e in model.by_process.get(p.id, []))]
    if multi and not s.allocation_justification:
        f.add("R5.b", WARNING, "multi-output processes are allocated but the choice of method is not justified "
              "(ISO 14044 4.3.4: avoid by subdivision or system expansion, else physical, else economic)",
              "设置 Settings", [p.row for p in multi],
              message_zh="存在多产出过程，但未说明分配方法的选择理由（ISO 14044 4.3.4：优先细分或系统扩展，其次物理关系，再次经济价值）")
    cut = [e for e in model.exchanges if e.type == "cutoff"]
    if cut and s.cutoff_pct is None:
        f.add("R5.b", WARNING, "flows are cut off but no cut-off criterion is set (Settings cutoff_pct)",
              EXCHANGES.title, [e.row for e in cut], message_zh="存在取舍排除的流，但未设定取舍准则（设置：取舍准则%）")
    no_estimate = [e for e in cut if e.cutoff_estimate_pct is None]
    if no_estimate:
        f.add("R5.b", WARNING, "a cut-off flow without its estimated share: the effect of the cut-off on the result "
              "must be assessed", EXCHANGES.title, [e.row for e in no_estimate],
              message_zh="取舍排除的流未给出估计占比：须评估取舍对结果的影响")
    if s.cutoff_pct is not None and cutoff_total_pct > s.cutoff_pct:
        f.add("R5.b", BLOCKING, f"the flows cut off add up to {cutoff_total_pct:g} % of the result, more than the "
              f"criterion of {s.cutoff_pct:g} %: include the largest of them", EXCHANGES.title,
              [e.row for e in cut], message_zh=f"取舍排除的流合计占结果的 {cutoff_total_pct:g}%，超过取舍准则 "
                                               f"{s.cutoff_pct:g}%：请将其中最大的流纳入计算")
    if s.boundary == "cradle-to-gate":
        beyond = [p for p in model.processes.values() if p.stage not in GATE_STAGES]
        if beyond:
            f.add("R5.b", WARNING, "a cradle-to-gate (partial) footprint contains processes of later stages: "
                  + ", ".join(f"{p.id} ({p.stage})" for p in beyond), PROCESSES.title, [p.row for p in beyond],
                  message_zh="“摇篮到大门”（部分碳足迹）包含了后续阶段的过程："
                             + "、".join(f"{p.id}（{STAGES[p.stage]}）" for p in beyond))
    if (s.unit_type == "functional") != (s.boundary == "cradle-to-grave"):
        f.add("R5.b", INFO, "a functional unit goes with a cradle-to-grave study, a declared unit with a "
              "cradle-to-gate (partial) footprint", "设置 Settings",
              message_zh="功能单位对应“摇篮到坟墓”研究，声明单位对应“摇篮到大门”的部分碳足迹")
