"""The audit report (R7.5.1): Chinese PDF/A, every focus item, quantitative statement, signed versions."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from carbon_helpers import open_stage2, verified_and_frozen
from django.core.exceptions import PermissionDenied

from tancert.audits import actions as audits
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models.report import AuditReport
from tancert.audits.report import actions as report
from tancert.records.models import Event
from tancert.scheme import rulebook

from flow import answer_checklist, pdf_text_streams

pytestmark = pytest.mark.django_db

SIGN = {"objectives": "确认碳管理体系符合 T/CCAA 39-2022 并有效运行", "evaluation": "体系推动了碳绩效的持续改进：排放较基准下降。",
        "recommendation": "recommend", "deviations": "无"}


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_report_contains_every_focus_item_and_the_quantitative_statement(p):
    s2, frozen = verified_and_frozen(p)
    r = report.sign_report(s2, by=p.lead, **SIGN, focus_notes={"R7.4.2-F4": "碳目标 T1、T2 均按进度推进。"})
    data = r.pdf.open("rb").read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == r.sha256
    streams = pdf_text_streams(data)
    assert b"pdfaid:part" in streams and b"FontFile" in streams  # PDF/A with the embedded CJK font
    text = pdf_text(data)
    assert "碳管理体系审核报告" in text and p.org_a.name in text and "T/CCAA 39-2022" in text
    for item in rulebook.FOCUS_ITEMS["initial"]:
        assert item.code in text, item.code  # the report given to the client names the item, not the rule key
        assert item.title_zh[:6] in text, item.title_zh
    # quantitative: total, baseline, change and target achievement, as numbers
    assert "5,985.8" in text and "7,496.9" in text and "-20.2%" in text
    assert "T1" in text and "20.2%" in text and "按进度" in text
    assert "碳目标 T1、T2 均按进度推进" in text
    # measurement and verification methods: sample size and sources checked
    assert re.search(r"抽取 \d+ 条", text) and "发票" in text  # the R6.2 sample, with the screening's rows
    ev = Event.objects.get(action="audit.report_signed", subject_id=str(s2.pk))
    assert ev.data["pdf_sha256"] == r.sha256 and ev.data["version"] == 1
    assert ev.data["focus_items"] == [i.key for i in rulebook.FOCUS_ITEMS["initial"]]


def test_signing_again_makes_a_new_version_and_keeps_the_old(p):
    s2, _frozen = verified_and_frozen(p)
    v1 = report.sign_report(s2, by=p.lead, **SIGN)
    v2 = report.sign_report(s2, by=p.lead, **(SIGN | {"evaluation": "修订后的评价"}))
    assert (v1.version, v2.version) == (1, 2)
    v1.refresh_from_db()
    assert v1.superseded_at is not None and v2.superseded_at is None
    assert v1.pdf.open("rb").read() != v2.pdf.open("rb").read()
    assert "修订后的评价" in pdf_text(v2.pdf.open("rb").read())
    assert "修订后的评价" not in pdf_text(v1.pdf.open("rb").read())
    assert AuditReport.objects.filter(audit=s2).count() == 2


def test_stage2_report_needs_frozen_figures(p, rule):
    """No setting lets a stage 2 report go without the verified figures (R7.5.1: carbon performance
    stated quantitatively)."""
    s2 = open_stage2(p)
    answer_checklist(s2, p.lead)  # the audit is under way
    with rule("R7.5.1", field="frozen"):
        report.sign_report(s2, by=p.lead, **SIGN)
    assert not s2.reports.exists()
    s2, _frozen = verified_and_frozen(p, s2)
    r = report.sign_report(s2, by=p.lead, **SIGN)
    text = pdf_text(r.pdf.open("rb").read())
    for item in rulebook.FOCUS_ITEMS["initial"]:
        assert item.title_zh[:6] in text


def test_report_needs_objectives_evaluation_and_the_leader(p, rule):
    s2, _frozen = verified_and_frozen(p)
    with rule("R7.5.1", field="evaluation"):
        report.sign_report(s2, by=p.lead, **(SIGN | {"evaluation": " "}))
    with rule("R7.5.1", field="objectives"):
        report.sign_report(s2, by=p.lead, **(SIGN | {"objectives": ""}))
    with rule("R7.5.1", field="recommendation"):
        report.sign_report(s2, by=p.lead, **(SIGN | {"recommendation": "maybe"}))
    for who in (p.auditor, p.outsider, p.client_a, p.decider):
        with pytest.raises(PermissionDenied):
            report.sign_report(s2, by=who, **SIGN)


def test_combined_audit_keeps_cms_points_identifiable(p, rule):
    """R10-common: a combined audit's report states the CMS-specific requirements and key audit points in their own
    words, and the CMS-specific sections are marked."""
    s2, _frozen = verified_and_frozen(p)
    with rule("R10-common", field="cms_specific"):
        report.sign_report(s2, by=p.lead, **SIGN, combined_with="GB/T 23331-2020 能源管理体系")
    r = report.sign_report(s2, by=p.lead, **SIGN, combined_with="GB/T 23331-2020 能源管理体系",
                           cms_specific="关键审核点：锅炉燃气计量、碳排放数据质量控制计划的执行。")
    assert r.content["cms_specific"].startswith("关键审核点")
    assert r.content["cms_specific_marked"] and r.content["combined_rule"] == "R10-common"
    text = pdf_text(r.pdf.open("rb").read())
    assert "GB/T 23331-2020" in text and "结合审核" in text and "锅炉燃气计量" in text and "R10-common" not in text  # no key in a client document
    assert text.count("CMS") >= 1 + len(rulebook.FOCUS_ITEMS["initial"])


def test_findings_with_evidence_and_corrective_action_are_in_the_report(p):
    s2 = open_stage2(p)
    major = finding_actions.raise_finding(s2, by=p.auditor, grade="major", clause="R7.4.2-F4", description="碳基准未调整",
                                 evidence="碳基准报告 v1 第 3 页")
    finding_actions.respond_to_finding(major, by=p.client_a, correction="重新计算碳基准", root_cause="未识别新生产线",
                              corrective_action="修订碳基准管理程序", evidence="碳基准报告 v2")
    finding_actions.review_finding_response(major, by=p.auditor, outcome="verify")
    s2, _frozen = verified_and_frozen(p, s2)
    r = report.sign_report(s2, by=p.lead, **SIGN)
    text = pdf_text(r.pdf.open("rb").read())
    assert "碳基准未调整" in text and "碳基准报告 v1 第 3 页" in text and "修订碳基准管理程序" in text
    f4 = next(f for f in r.content["focus"] if f["key"] == "R7.4.2-F4")
    assert major.number in f4["findings"]


def test_surveillance_report_uses_the_surveillance_focus_items(p):
    s2, _frozen = verified_and_frozen(p)
    s2.kind = "surveillance"  # in memory only: the content builder picks the focus items by audit type
    content = report.build_content(s2, **SIGN)
    assert [f["key"] for f in content["focus"]] == [i.key for i in rulebook.FOCUS_ITEMS["surveillance"]]
    focus = {f["key"]: f for f in content["focus"]}
    assert any("T1" in s for s in focus["R8.1.3-F4"]["statements"])  # targets stated quantitatively
    assert any(re.search(r"抽取 \d+ 条", s) for s in focus["R8.1.3-F2"]["statements"])


def test_checklist_items_are_rendered_under_their_focus_item(p, monkeypatch):
    """The checklist's report_items appear under each focus item."""
    s2, _frozen = verified_and_frozen(p)
    items = [{"code": "R7.4.2-F1", "kind": "focus", "title_zh": "法律法规", "title_en": "laws", "mandatory": True,
              "conformity": "conforming", "reason": "", "auditor": "lead",
              "evidence": [{"kind": "document", "text": "合规性评价报告 2026", "who": "lead", "when": "2026-11-30"}],
              "findings": []},
             {"code": "6.5", "kind": "clause", "title_zh": "碳基准", "title_en": "baseline", "mandatory": True,
              "conformity": "not_audited", "reason": "下次监督审核覆盖", "auditor": "auditor", "evidence": [],
              "findings": []}]
    monkeypatch.setattr(report, "checklist_items", lambda audit: [
        i | {"conformity_zh": report.CONFORMITY_ZH[i["conformity"]]} for i in items])
    r = report.sign_report(s2, by=p.lead, **SIGN)
    text = pdf_text(r.pdf.open("rb").read())
    assert "合规性评价报告 2026" in text and "下次监督审核覆盖" in text


def test_who_can_open_the_report(p):
    from tancert.certificates import actions as certs

    from flow import CONDITIONS_MET

    s2, _frozen = verified_and_frozen(p)
    report.sign_report(s2, by=p.lead, **SIGN)
    assert report.can_open(s2, p.lead) and report.can_open(s2, p.decider) and report.can_open(s2, p.expert)
    assert not report.can_open(s2, p.outsider) and not report.can_open(s2, p.client_b)
    assert not report.can_open(s2, p.client_a)  # not before the decision
    minor = s2.findings.get(clause="R6.2-calibration")
    finding_actions.respond_to_finding(minor, by=p.client_a, correction="EM-02 已送检", root_cause="检定计划遗漏",
                              corrective_action="修订计量器具管理程序", evidence="检定证书 JD-1")
    finding_actions.review_finding_response(minor, by=p.auditor, outcome="accept")
    answer_checklist(s2, p.lead)  # the checklist gate of closing
    audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation="recommend")
    certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    assert report.can_open(s2, p.client_a)


@pytest.mark.parametrize("kind, key", [
    ("stage2", "R7.4.2-F3"), ("stage2", "R7.4.2-F4"), ("stage2", "R7.4.2-F6"), ("stage2", "R7.4.2-F7"),
    ("surveillance", "R8.1.3-F2"), ("surveillance", "R8.1.3-F4"),
    ("recertification", "R8.2.2-F2"), ("recertification", "R8.2.2-F3"), ("recertification", "R8.2.2-F4"),
])
def test_quantitative_focus_items_carry_the_frozen_figures(p, kind, key):
    s2, _frozen = verified_and_frozen(p)
    s2.kind = kind  # in memory only: the focus items and their sentences follow the audit type
    focus = {f["key"]: f for f in report.build_content(s2, **SIGN)["focus"]}
    assert focus[key]["statements"], key
    assert all(any(ch.isdigit() for ch in s) for s in focus[key]["statements"])


def test_the_real_checklist_answers_appear_under_each_focus_item(p):
    """tancert.audits.checklists.items.report_items feeds the report."""
    s2, _frozen = verified_and_frozen(p)
    answer_checklist(s2, p.lead)
    r = report.sign_report(s2, by=p.lead, **SIGN)
    for f in r.content["focus"]:
        assert [i["conformity"] for i in f["checklist"]] == ["conforming"], f["key"]
        assert f["checklist"][0]["evidence"] and isinstance(f["checklist"][0]["evidence"][0]["when"], str)
    assert r.content["other_items"]  # the clauses of T/CCAA 39-2022
    text = pdf_text(r.pdf.open("rb").read())
    assert text.count("检查结果：符合") >= len(rulebook.FOCUS_ITEMS["initial"])
    assert "查阅记录，现场观察，符合要求" in text
