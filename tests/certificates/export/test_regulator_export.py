"""The monthly regulator export: fixed sheets, documented mapping, identifiers, reminders."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from tancert import sweep
from tancert.certificates import actions
from tancert.certificates.export import regulator as export
from tancert.certificates.models import RegulatorExport
from tancert.demo.seed import at, clock
from tancert.ops.models import Notification

from flow import certify, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(p):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    actions.suspend_certificate(cert, by=p.decider, trigger="T3", reason="受到行政处罚",
                                respond_by=timezone.localdate() + timedelta(days=30))
    return cert, timezone.localdate().strftime("%Y-%m")


def test_workbook_has_the_fixed_sheets_and_the_month_read_back(month):
    cert, period = month
    xlsx, record = export.generate(period)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == ["审核计划信息表", "审核结果信息表", "证书信息表", "证书状态变化表", "说明"]
    for name, cols in export.SHEETS:
        assert [c.value for c in wb[name][1]] == [h for h, _k, _m in cols]
    plans = list(wb["审核计划信息表"].iter_rows(min_row=2, values_only=True))
    assert len(plans) == 2 and {r[5] for r in plans} == {"FS01"}  # stage 1 and 2, method code
    assert all(r[0] == r[0].upper() and " " not in r[0] for r in plans)
    certs = list(wb["证书信息表"].iter_rows(min_row=2, values_only=True))
    assert certs[0][0] == cert.number and certs[0][9] == "暂停"
    changes = [r[1] for r in wb["证书状态变化表"].iter_rows(min_row=2, values_only=True)]
    assert changes == ["颁发", "暂停"]
    assert wb["说明"]["B2"].value == export.MAPPING_VERSION
    assert record.counts["证书状态变化表"] == 2 and RegulatorExport.objects.get().period == period


def test_json_export_has_the_same_rows(month):
    cert, period = month
    data = export.as_json(period)
    assert data["mapping_version"] == export.MAPPING_VERSION
    assert data["sheets"]["证书信息表"]["rows"][0]["number"] == cert.number


def test_an_empty_month_exports_empty_sheets(month):
    data = export.collect("2020-01")
    assert all(rows == [] for rows in data.values())


def test_bad_or_future_period_is_refused_and_records_nothing(month):
    for bad in ("2026-13", "November", ""):
        with pytest.raises(export.BadPeriod):
            export.generate(bad)
    future = (timezone.localdate().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    with pytest.raises(export.BadPeriod):
        export.generate(future)
    assert not RegulatorExport.objects.exists()


def test_cli_writes_the_workbook_and_the_json(month, tmp_path):
    _cert, period = month
    call_command("export", "regulator", period, str(tmp_path / "out.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames[0] == "审核计划信息表"
    call_command("export", "regulator", period, str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text())["period"] == period


def test_due_by_the_10th_and_the_sweep_reminds_once_then_stops(p):
    assert export.due_date("2026-11") == date(2026, 12, 10)
    day = date(2026, 12, 3)
    with clock(at(day)):
        first = sweep.run(day)
        again = sweep.run(day)
    assert first.export_reminded == ["2026-11"] and again.export_reminded == []
    subjects = list(Notification.objects.filter(recipient=p.certadmin).values_list("subject", flat=True))
    assert sum("2026-11" in s for s in subjects) == 1
    late = date(2026, 12, 11)
    assert sweep.run(late).export_reminded == ["2026-11"]  # one overdue reminder
    assert sweep.run(late).export_reminded == []
    with clock(at(date(2026, 12, 12))):
        export.generate("2026-11", by=p.certadmin)
    assert export.remind(date(2026, 12, 20)) == []
