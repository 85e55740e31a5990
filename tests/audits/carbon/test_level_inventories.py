"""Product, project and event inventories verified inside the audit (R5.b / R6.3-pcf, R5.c, R5.d): upload through
the upload gate and the engine's child, blocking findings answered, the team leader's freeze, the sign_report gate
per covered level, the report's section, the carbon page's walls — and a certification with a product level through
the real upload and freeze (tests/flow.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from carbon_helpers import verified_and_frozen
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tancert.audits import actions as audits
from tancert.audits.carbon.levels import actions as levels
from tancert.audits.models import Audit
from tancert.audits.models.levels import LevelUpload
from tancert.audits.report import actions as report
from tancert.records.models import Event
from tancert.scheme.violations import RuleViolation

from flow import (
    PDF,
    accept_and_contract,
    answer_checklist,
    certify,
    complete_application,
    fill_stage1,
    level_workbook,
    plan_initial,
    sign_report,
)

pytestmark = pytest.mark.django_db
ALL = {"product": {"standard": "gbt24067", "covers": ["木质颗粒燃料"]},
       "project": {"standard": "iso14064-2", "covers": ["示例海上风电项目"]},
       "activity": {"standard": "local", "standard_name": "DB44/T 2639-2025 大型活动碳中和实施指南",
                    "covers": ["示例国际论坛"]}}
SIGN = {"objectives": "确认碳管理体系符合 T/CCAA 39-2022", "evaluation": "体系推动了碳绩效的持续改进",
        "recommendation": "recommend"}


def stage2_with(p, scope_levels):
    """A's stage 2 open (stage 1 closed and signed), the application covering `scope_levels`."""
    app = complete_application(p.org_a, p.client_a, scope_levels=scope_levels)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation=Audit.RECOMMEND)
    s1.refresh_from_db()
    sign_report(s1, p.lead)
    return s2


def blocking_project_workbook() -> bytes:
    """The project example with its crediting period starting after the first monitoring period: a blocking R5.c
    finding (the period's reductions are not counted)."""
    from tancert.ghg.sheets import write_workbook
    from tancert.projects.template import NOTES, example_rows
    from tancert.projects.workbook import SHEETS

    rows = example_rows()
    rows["Settings"] = [["crediting_start", "2024-07-01"] if r[0] == "crediting_start" else r for r in rows["Settings"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "p.xlsx", [(spec, rows.get(en, [])) for en, spec in SHEETS.items()], NOTES)
        return Path(path).read_bytes()


def test_a_product_level_certified_through_the_real_upload_and_freeze(p):
    app = complete_application(p.org_a, p.client_a, scope_levels={"product": ALL["product"]})
    cert = certify(app, p)
    s2 = app.audits.get(kind=Audit.STAGE2)
    frozen = levels.current_level_frozen(s2, "product")
    assert frozen.upload.uploaded_by == p.lead and frozen.frozen_by == p.lead
    assert frozen.figures["total_kgco2e_per_unit"] == pytest.approx(frozen.record["results"]["total_kgco2e_per_unit"])
    assert frozen.engine.startswith("tancert.footprint") and len(frozen.inputs_sha256) == 64
    assert {"raw_material", "production"} <= set(frozen.figures["by_stage"])
    assert Event.objects.filter(action="audit.level_frozen", subject_id=str(s2.pk)).exists()
    content = s2.reports.order_by("-version").first().content
    (entry,) = content["levels"]
    assert entry["title"] == "产品碳足迹核查结果" and "初级数据占比" in dict(entry["rows"])
    assert [lv["level"] for lv in cert.scope_levels] == ["organisation", "product"]  # the certificate's scope


def test_sign_report_needs_each_covered_level_frozen(p):
    s2 = stage2_with(p, ALL)
    answer_checklist(s2, p.lead)
    verified_and_frozen(p, s2)
    # Each covered level in turn: its key until its figures are frozen (R5.b, R5.c, R5.d).
    for level, key in (("product", "R5.b"), ("project", "R5.c"), ("activity", "R5.d")):
        with pytest.raises(RuleViolation) as exc:
            report.sign_report(s2, by=p.lead, **SIGN)
        assert exc.value.key == key
        levels.upload_level(s2, level, by=p.client_a, filename=f"{level}.xlsx", content=level_workbook(level))
        with pytest.raises(PermissionDenied):  # the team leader freezes
            levels.freeze_level(s2, level, by=p.auditor)
        levels.freeze_level(s2, level, by=p.lead)
    project = levels.current_level_frozen(s2, "project").figures
    assert project["reductions_tco2e"] > 0 and project["by_period"][0]["period"] == "2024H1"
    event = levels.current_level_frozen(s2, "activity").figures
    assert event["neutral"] and event["balance_tco2e"] < 0 and event["offsets_retired_tco2e"] > 0
    # A newer workbook needs a new freeze.
    levels.upload_level(s2, "activity", by=p.lead, filename="event-v2.xlsx", content=level_workbook("activity"))
    with pytest.raises(RuleViolation) as exc:
        report.sign_report(s2, by=p.lead, **SIGN)
    assert exc.value.key == "R5.d"
    levels.freeze_level(s2, "activity", by=p.lead)
    signed = report.sign_report(s2, by=p.lead, **SIGN)
    assert [e["level"] for e in signed.content["levels"]] == ["product", "project", "activity"]
    assert "已实现碳中和" in signed.content["levels"][2]["headline"]


def test_blocking_finding_blocks_the_freeze_until_answered_and_the_page_walls(p, client):
    s2 = stage2_with(p, {"project": ALL["project"]})
    c = client
    c.force_login(p.client_a)
    url = f"/audits/{s2.pk}/carbon/levels/project/upload/"
    # Not a workbook: the upload gate refuses it, in Chinese, nothing stored.
    r = c.post(url, {"file": SimpleUploadedFile("p.xlsx", PDF, "application/pdf")})
    assert r.status_code == 422 and not LevelUpload.objects.exists()
    # A level the application does not cover.
    r = c.post(f"/audits/{s2.pk}/carbon/levels/product/upload/",
               {"file": SimpleUploadedFile("f.xlsx", level_workbook("product"))})
    assert r.status_code == 422 and not LevelUpload.objects.exists()
    r = c.post(url, {"file": SimpleUploadedFile("p.xlsx", blocking_project_workbook())})
    assert r.status_code == 302
    up = LevelUpload.objects.get()
    (block,) = [b for b in up.findings if b["severity"] == "blocking"]
    assert block["rule"] == "R5.c" and up.uploaded_by == p.client_a
    page = c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert 'id="level-project"' in page and "超出计入期" in page and "R5.c" not in page  # no key for the client
    assert 'class="confirm-form"' not in page and "freeze-project" not in page
    # Another client, an auditor not on the audit: 404.
    for who in (p.client_b, p.outsider):
        c.force_login(who)
        assert c.get(f"/audits/{s2.pk}/carbon/levels/project/uploads/{up.pk}/file/").status_code == 404
        assert c.post(url, {"file": SimpleUploadedFile("p.xlsx", level_workbook("project"))}).status_code == 404
    assert LevelUpload.objects.count() == 1
    c.force_login(p.lead)
    page = c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert "R5.c" in page and 'id="freeze-project"' in page
    assert c.get(f"/audits/{s2.pk}/carbon/levels/project/uploads/{up.pk}/file/").status_code == 200
    with pytest.raises(RuleViolation) as exc:
        levels.freeze_level(s2, "project", by=p.lead)
    assert exc.value.key == "R5.c"
    with pytest.raises(PermissionDenied):  # only the team leader dismisses
        levels.dismiss_level_finding(up, by=p.auditor, rule=block["key"], reason="已核对")
    c.post(f"/audits/{s2.pk}/carbon/levels/project/uploads/{up.pk}/dismiss/", {"rule": block["key"], "reason": ""})
    assert not up.answers.exists()  # a reason is required
    c.post(f"/audits/{s2.pk}/carbon/levels/project/uploads/{up.pk}/dismiss/",
           {"rule": block["key"], "reason": "计入期起始日以备案文件为准，已核对"})
    assert up.answers.get().answer == "dismissed"
    r = c.post(f"/audits/{s2.pk}/carbon/levels/project/freeze/")
    assert r.status_code == 302
    frozen = levels.current_level_frozen(s2, "project")
    assert frozen.figures["blocking"] == ["R5.c"] and frozen.figures["answers"][0]["answer"] == "dismissed"
