# rules-coverage: skip-file  (demo data names checklist items, it enforces nothing)
"""Demo seed for the audit work (docs/audits.md): a filled stage 1 record and a checklist with evidence (used by web/demo.py)."""

from __future__ import annotations

from io import BytesIO

from tancert.audits.checklists.actions import add_evidence, answer_items, start_checklist
from tancert.audits.report import actions as report
from tancert.audits.stage1 import actions as stage1

STAGE1 = {
    "readiness": "体系已运行 12 个月，完成一次内部审核和管理评审，文件化信息基本齐全，具备第二阶段审核条件。",
    "carbon_review": "按《碳评审程序》每年开展碳评审，识别熟料煅烧、燃料燃烧和外购电力为主要排放源。",
    "baseline": "以 2024 年为碳基准年，基准覆盖全部生产线；2025 年新增生产线后尚未调整（第二阶段重点核实）。",
    "significant_sources": "回转窑熟料煅烧（过程排放）、窑头及分解炉燃煤、粉磨系统外购电力。",
    "key_parameters": "熟料产量、生料碳酸盐含量、入窑煤量及低位发热量、窑系统电耗。",
    "performance_evaluation": "以单位熟料二氧化碳排放（tCO2/t 熟料）和单位水泥综合电耗评价碳绩效，与基准和目标比较。",
    "resources": "需建材（水泥）专业技术专家一名，熟悉碳酸盐分解过程排放核算。",
    "stage2_arrangements": "第二阶段两天：首日生产现场与计量点，次日碳数据核查与抽样；首次会议 8:30。",
}
NOTES = {
    "R7.4.2-F1": ("conforming", "查阅 2026 年合规性评价报告，覆盖碳排放权交易管理办法及地方控排要求。"),
    "R7.4.2-F3": ("conforming", "现场查看窑头煤秤及在线监测，与 DCS 数据一致。"),
    "R7.4.2-F4": ("conforming", "2026 年目标单位熟料排放下降 2%，前三季度已下降 1.6%。"),
    "6.3": ("conforming", "碳评审报告（2026 版）识别主要排放源 5 个，与现场一致。"),
    "8.3": ("conforming", "抽查能源和计量器具采购记录 3 份，采购要求包含能效和碳排放信息；其余采购过程列入监督审核重点。"),
}


def _photo() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 160)).save(out, format="JPEG")
    return out.getvalue()


def fill_stage1(s1, lead) -> None:
    reviews = {code: {"result": "adequate", "note": ""} for code in stage1.submitted_documents(s1)}
    if "D7" in reviews:
        reviews["D7"] = {"result": "inadequate", "note": "能源计量器具清单未包含 2025 年新增生产线的表计，第二阶段前补充。"}
    stage1.save_stage1_record(s1, by=lead, version=0, reviews=reviews, ready_for_stage2=True, **STAGE1)


def fill_checklist(s2, lead, auditor, *, leave_open: tuple[str, ...] = ()) -> dict:
    """Answer the checklist with notes; a photo and an interview on F3; returns the items by code."""
    checklist = start_checklist(s2, by=lead)
    items = {i.code: i for i in checklist.items.all()}
    f3 = items.get("R7.4.2-F3")
    if f3 is not None:
        add_evidence(f3, by=auditor, kind="photo", text="窑头煤秤铭牌及检定标识", filename="煤秤.jpg", content=_photo())
        add_evidence(f3, by=auditor, kind="interview", text="介绍煤秤每月比对校验方法", person="生产部 王工")
    answers = {"*": ("conforming", "查阅相关文件和记录，现场观察，符合要求。"), **NOTES}
    answers.update({code: (None, "") for code in leave_open})
    answer_items(s2, by=lead, answers=answers)
    return {i.code: i for i in checklist.items.all()}


def answer_open(s2, lead, code: str) -> None:
    answer_items(s2, by=lead, answers={code: ("conforming", "碳基准已按新增生产线调整，调整记录齐全。")})


def note(s2, auditor, code: str) -> None:
    """The evidence note behind an item marked as a finding (or answered above)."""
    item = s2.checklist.items.get(code=code)
    if not item.evidence.exists():
        add_evidence(item, by=auditor, kind="note", text="见审核发现所列客观证据。")


def sign_report(audit, lead) -> None:
    """The team leader signs the audit report after closing (R7.5.1); the decision rests on it."""
    report.sign_report(audit, by=lead, objectives="确认碳管理体系符合 T/CCAA 39-2022 及认证实施规则的要求",
                       evaluation="碳管理体系运行有效，碳目标和碳绩效改进措施得到落实，在提升碳绩效方面发挥作用",
                       recommendation=audit.recommendation or "recommend")
