"""Carbon data verification inside the audit (R6, R7.4.3): upload, sample, checks, findings, freezing."""

from __future__ import annotations

import hashlib

import pytest
from carbon_helpers import check_whole_sample, inventory_bytes, open_stage2, verified_and_frozen
from django.core.exceptions import PermissionDenied

from tancert.audits.carbon import actions as carbon
from tancert.audits.models.carbon import FrozenCarbonFigures, InventoryUpload, SampleCheck
from tancert.records.models import Event

from flow import answer_checklist

pytestmark = pytest.mark.django_db


def test_client_upload_is_a_recorded_version_with_the_engine_result(p):
    s2 = open_stage2(p)
    content = inventory_bytes()
    up = carbon.upload_inventory(s2, by=p.client_a, filename="清单.json", content=content)
    assert up.version == 1 and up.sha256 == hashlib.sha256(content).hexdigest()
    assert up.total_tco2e == pytest.approx(5985.8, abs=0.1)
    assert up.blocking  # EM-02's calibration lapsed in the example
    # R6.2-sampling: seeded, stratified by source, ⌈√n⌉ per stratum; the rule is stated
    assert "⌈√n⌉" in up.sample_rule and up.sample_seed == 20240101
    assert sum(s["sample"] for s in up.results["sample"]["strata"].values()) == 18  # the random draw
    # the fraud screening adds what it flags, with why: the example's gas and power are twelve
    # identical months (constant series), so their 48 records join the 18 drawn ones
    flagged = [r for r in up.sample if r.get("screening")]
    assert len(flagged) == 48 and len(up.sample) == 56
    assert all(x["rule"] == "R6.2-crosscheck" and "恒定" in x["message_zh"] for r in flagged for x in r["screening"])
    assert {r["source_id"] for r in up.sample} == {"S1", "S2", "S3", "S4", "S5", "S6"}
    ev = Event.objects.get(action="audit.inventory_uploaded")
    assert ev.data["sha256"] == up.sha256 and ev.data["version"] == 1
    # a second upload is a second version; the first is kept
    up2 = carbon.upload_inventory(s2, by=p.auditor, filename="清单.json", content=content)
    assert up2.version == 2 and InventoryUpload.objects.filter(audit=s2).count() == 2
    assert up.file.open("rb").read() == content


def test_bad_upload_shows_errors_per_sheet_row_column_and_imports_nothing(p, rule):
    s2 = open_stage2(p)

    def spoil(d):
        d["activity"][0]["quantity"] = -5
        d["activity"][1]["unit"] = "furlong"

    with rule("R7.4.3", field="file") as info:
        carbon.upload_inventory(s2, by=p.client_a, filename="bad.json", content=inventory_bytes(spoil))
    errors = info.value.errors
    assert len(errors) >= 2
    assert {(e["row"], e["column"]) for e in errors} >= {(1, "quantity"), (2, "unit")}
    assert all(e["sheet"] for e in errors)
    assert info.value.as_dict()["errors"] == errors
    assert not InventoryUpload.objects.exists()
    assert not Event.objects.filter(action="audit.inventory_uploaded").exists()


def test_upload_refuses_other_formats_and_outsiders(p, rule):
    s2 = open_stage2(p)
    with rule("R7.4.3", field="file"):
        carbon.upload_inventory(s2, by=p.client_a, filename="inventory.pdf", content=b"%PDF-1.4")
    for who in (p.client_b, p.outsider, p.decider):
        with pytest.raises(PermissionDenied):
            carbon.upload_inventory(s2, by=who, filename="i.json", content=inventory_bytes())


def test_discrepancy_becomes_an_r6_crosscheck_finding(p, rule):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    rec = up.sample[0]
    check = carbon.record_sample_check(up, by=p.auditor, row=rec["row"], source_kind="invoice",
                                       reference="燃气发票 No.123", value_found=rec["quantity"] * 1.1,
                                       result="discrepancy", grade="minor")
    assert check.finding is not None and check.finding.clause == "R6.2-crosscheck"
    assert check.finding.grade == "minor" and str(rec["row"]) in check.finding.evidence
    with rule("R6.2-sampling", field="row"):  # written once, never overwritten
        carbon.record_sample_check(up, by=p.auditor, row=rec["row"], source_kind="invoice", reference="x",
                                   value_found=1, result="agrees")
    with rule("R6.2-sampling", field="row"):
        carbon.record_sample_check(up, by=p.auditor, row=9999, source_kind="invoice", reference="x", result="agrees")
    with rule("R6.2-crosscheck", field="reference"):
        carbon.record_sample_check(up, by=p.auditor, row=up.sample[1]["row"], source_kind="invoice", reference=" ",
                                   result="agrees")
    with rule("R6.2-crosscheck", field="source_kind"):
        carbon.record_sample_check(up, by=p.auditor, row=up.sample[1]["row"], source_kind="rumour", reference="x",
                                   result="agrees")
    with pytest.raises(PermissionDenied):
        carbon.record_sample_check(up, by=p.client_a, row=up.sample[1]["row"], source_kind="invoice",
                                   reference="x", result="agrees")
    with pytest.raises(PermissionDenied):
        carbon.record_sample_check(up, by=p.outsider, row=up.sample[1]["row"], source_kind="invoice",
                                   reference="x", result="agrees")


def test_blocking_data_quality_finding_confirmed_as_audit_finding(p, rule):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    finding = carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="major")
    assert finding.clause == "R6.2-calibration" and finding.grade == "major" and "EM-02" in finding.description
    with rule("R6.2-review"):
        carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="major")
    with rule("R6.2-review"):
        carbon.confirm_data_finding(up, by=p.lead, rule="R6.3-default", grade="minor")


def test_freeze_needs_the_whole_sample_and_the_blocking_findings_confirmed(p, rule):
    s2 = open_stage2(p)
    with rule("R7.4.3"):
        carbon.freeze_figures(s2, by=p.lead)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    carbon.record_sample_check(up, by=p.auditor, row=up.sample[0]["row"], source_kind="ledger", reference="台账 p.3",
                               value_found=up.sample[0]["quantity"], result="agrees")
    with rule("R6.2-sampling", field="sample"):
        carbon.freeze_figures(s2, by=p.lead)
    check_whole_sample(carbon.current_upload(s2), p.auditor)
    with rule("R6.2-calibration", field="rule"):
        carbon.freeze_figures(s2, by=p.lead)
    carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
    frozen = carbon.freeze_figures(s2, by=p.lead)
    f = frozen.figures
    assert f["total_tco2e"] == pytest.approx(5985.8, abs=0.1)
    assert set(f["by_category"]) >= {"1", "2", "3"} and f["by_gas"] and f["by_source"]
    assert f["performance"]["baseline_used"] == pytest.approx(7496.9, abs=0.1)
    assert [t["target_id"] for t in f["performance"]["targets"]] == ["T1", "T2"]
    assert f["uncertainty"]["total"]["u_pct"] > 0 and f["factors_used"]
    # the whole sample: the 18 drawn and the 48 the screening added overlap in 56 records
    assert f["inputs_sha256"] == up.inputs_sha256 and f["verification"]["checked"] == 56
    assert Event.objects.get(action="audit.figures_frozen").data["record_sha256"] == frozen.record_sha256


def test_a_new_upload_invalidates_work_on_the_old_version(p, rule):
    s2 = open_stage2(p)
    old = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    with rule("R6.2-sampling", field="upload"):
        carbon.record_sample_check(old, by=p.auditor, row=old.sample[0]["row"], source_kind="invoice",
                                   reference="x", result="agrees")


def test_frozen_figures_survive_a_factor_library_change(p, monkeypatch):
    """Later factor-library changes never rewrite frozen figures (nor the report built from them)."""
    from tancert.audits.report import actions as report
    from tancert.ghg import library as library_module

    s2, frozen = verified_and_frozen(p)
    before = dict(frozen.figures)
    original = library_module.Library.resolve

    def inflated(self, *a, **k):  # every factor doubles in the "new edition" of the library
        r = original(self, *a, **k)
        if r.factor is not None and r.factor.value is not None:
            import dataclasses

            r = dataclasses.replace(r, factor=dataclasses.replace(r.factor, value=r.factor.value * 2))
        return r

    monkeypatch.setattr(library_module.Library, "resolve", inflated)
    # the live engine now computes something else …
    assert carbon.run_engine(inventory_bytes(), "i.json").summary["total_tco2e"] > before["total_tco2e"] * 1.2
    # … but the frozen figures, and the report content, stay as verified
    frozen = FrozenCarbonFigures.objects.get(pk=frozen.pk)
    assert frozen.figures == before
    content = report.build_content(s2, objectives="目标", deviations="", evaluation="评价", recommendation="recommend")
    assert content["carbon"]["total_raw"] == before["total_tco2e"]


def test_sample_check_needs_open_audit(p, rule):
    from tancert.audits import actions as audits

    s2, _frozen = verified_and_frozen(p)  # closing needs the verified figures (R7.4.3)
    up = s2.inventories.order_by("-version").first()
    answer_checklist(s2, p.lead)  # the checklist gate of closing
    audits.complete_audit(s2, by=p.lead, conclusion="符合", recommendation="recommend")
    checks = SampleCheck.objects.count()
    with rule("R7.4.3", field="status"):
        carbon.record_sample_check(up, by=p.auditor, row=up.sample[0]["row"], source_kind="invoice",
                                   reference="x", result="agrees")
    assert SampleCheck.objects.count() == checks


def test_freeze_refuses_an_inventory_file_altered_in_storage(p, rule):
    s2 = open_stage2(p)
    up = carbon.upload_inventory(s2, by=p.client_a, filename="i.json", content=inventory_bytes())
    check_whole_sample(up, p.auditor)
    carbon.confirm_data_finding(up, by=p.lead, rule="R6.2-calibration", grade="minor")
    with open(up.file.path, "ab") as fh:
        fh.write(b" ")
    with rule("RR", field="upload"):
        carbon.freeze_figures(s2, by=p.lead)
    assert not FrozenCarbonFigures.objects.exists()
