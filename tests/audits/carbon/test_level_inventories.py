"""Product, project and event inventories verified inside the audit (R5.b / R6.3-pcf, R5.c, R5.d): upload through
the upload gate and the engine's child, blocking findings answered, the team leader's freeze, the sign_report gate
per covered level, the report's section, the carbon page's walls. A certification with product and event levels
through the real upload and freeze: tests/clients/scopes/test_scope_levels_certified.py."""

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
from tancert.scheme.violations import RuleViolation

from flow import (
    PDF,
    accept_and_contract,
    answer_checklist,
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


def project_through_the_page(p, client, s2):
    """The project level the way people do it: the client uploads on the carbon page, a blocking finding blocks the
    freeze until the team leader dismisses it with a reason; walls for the other personas."""
    c = client
    c.force_login(p.client_a)
    url = f"/audits/{s2.pk}/carbon/levels/project/upload/"
    # Not a workbook: the upload gate refuses it, in Chinese, nothing stored.
    r = c.post(url, {"file": SimpleUploadedFile("p.xlsx", PDF, "application/pdf")})
    assert r.status_code == 422 and not LevelUpload.objects.filter(level="project").exists()
    assert c.get(f"/audits/{s2.pk}/carbon/levels/nolevel/uploads/1/file/").status_code == 404
    r = c.post(url, {"file": SimpleUploadedFile("p.xlsx", blocking_project_workbook())})
    assert r.status_code == 302
    up = LevelUpload.objects.get(level="project")
    (block,) = [b for b in up.findings if b["severity"] == "blocking"]
    assert block["rule"] == "R5.c" and up.uploaded_by == p.client_a
    page = c.get(f"/audits/{s2.pk}/carbon/").content.decode()
    assert 'id="level-project"' in page and 'id="level-product"' in page and "超出计入期" in page and "R5.c" not in page  # no key for the client
    assert 'class="confirm-form"' not in page and "freeze-project" not in page
    # Another client, an auditor not on the audit: 404.
    for who in (p.client_b, p.outsider):
        c.force_login(who)
        assert c.get(f"/audits/{s2.pk}/carbon/levels/project/uploads/{up.pk}/file/").status_code == 404
        assert c.post(url, {"file": SimpleUploadedFile("p.xlsx", level_workbook("project"))}).status_code == 404
    assert LevelUpload.objects.filter(level="project").count() == 1
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


def product_through_the_api(p, s2):
    """The product level over /api/v1 (the same actions): the client uploads, the team leader freezes; walls."""
    from django.test import Client

    from tancert.people.actions import create_api_token

    def bearer(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, 'test', by=None)[1]}")

    base = f"/api/v1/audits/{s2.pk}/levels/product"
    client_a = bearer(p.client_a)
    r = client_a.post(f"{base}/uploads", {"file": SimpleUploadedFile("f.xlsx", PDF, "application/pdf")})
    assert r.status_code == 422 and not LevelUpload.objects.filter(level="product").exists()
    r = client_a.post(f"{base}/uploads", {"file": SimpleUploadedFile("f.xlsx", level_workbook("product"))})
    assert r.status_code == 201 and r.json()["version"] == 1 and "total_kgco2e_per_unit" in str(r.json()["figures"])
    for who in (p.client_b, p.outsider):
        assert bearer(who).get(f"{base}/uploads").status_code == 404
    assert bearer(p.client_a).get(f"/api/v1/audits/{s2.pk}/levels/nolevel/uploads").status_code == 422
    lead = bearer(p.lead)
    assert client_a.post(f"{base}/frozen-figures").status_code == 403  # the team leader freezes
    r = lead.post(f"{base}/frozen-figures")
    assert r.status_code == 201 and r.json()["upload_version"] == 1
    assert [f["version"] for f in lead.get(f"{base}/frozen-figures").json()] == [1]
    assert client_a.get(f"{base}/uploads/1/file").status_code == 200


def test_each_covered_level_verified_and_frozen_before_the_report_is_signed(p, client):
    s2 = stage2_with(p, ALL)
    answer_checklist(s2, p.lead)
    verified_and_frozen(p, s2)
    # Each covered level in turn: its key until its figures are frozen (R5.b, R5.c, R5.d).
    for level, key in (("product", "R5.b"), ("project", "R5.c"), ("activity", "R5.d")):
        with pytest.raises(RuleViolation) as exc:
            report.sign_report(s2, by=p.lead, **SIGN)
        assert exc.value.key == key
        if level == "project":
            project_through_the_page(p, client, s2)
            continue
        if level == "product":
            product_through_the_api(p, s2)
            continue
        levels.upload_level(s2, level, by=p.client_a, filename=f"{level}.xlsx", content=level_workbook(level))
        with pytest.raises(PermissionDenied):  # the team leader freezes
            levels.freeze_level(s2, level, by=p.auditor)
        levels.freeze_level(s2, level, by=p.lead)
    project = levels.current_level_frozen(s2, "project").figures
    assert project["by_period"][0]["period"] == "2024H1" and not project["by_period"][0]["in_crediting_period"]
    assert project["reductions_tco2e"] > 0
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

    from pypdf import PdfReader

    with signed.pdf.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert "产品碳足迹核查结果" in text and "项目减排量核查结果" in text and "大型活动碳中和核查结果" in text
