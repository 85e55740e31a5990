"""The worked example (docs/ghg.md, the template's example sheet, tests): a cement plant in
Guangdong with a base year 2020 and a reporting year 2024, in the JSON dataset shape.

What the audit pages and the report show of it (cross-check sources, activities, products) is in Chinese
only, as a Chinese client would write it (docs/i18n.md, Language discipline)."""

from __future__ import annotations

REVIEW = {"data_class": "continuous", "data_source": "能源台账 energy ledger", "monitoring_method": "流量计 flow meter",
          "monitoring_frequency": "连续 continuous", "recording_frequency": "每月 monthly",
          "missing_data_handling": "历史最大值 historical maximum",
          "factor_justification": "指南缺省值 guideline default (no measurement required)"}


def example_dataset() -> dict:
    acts = []

    def add(year, month, **kw):
        period = f"{year}-{month:02d}" if month else str(year)  # month 0: an annual total
        r = {"facility": "水泥厂 Plant A", "period": period, **REVIEW, **kw}
        acts.append(r)

    for year, scale in ((2020, 1.0), (2024, 0.9)):
        for m in range(1, 13):
            add(year, m, source_id="S1", kind="fuel", activity="natural_gas", quantity=round(8.5 * scale, 3),
                unit="10^4Nm3", meter_id="FM-01", crosscheck_source="燃气发票",
                crosscheck_quantity=round(8.5 * scale, 3))
            add(year, m, source_id="S3", kind="electricity", activity="grid", quantity=round(420 * scale, 1),
                unit="MWh", meter_id="EM-01", crosscheck_source="电费发票",
                crosscheck_quantity=round(420 * scale, 1))
        add(year, 0, source_id="S2", kind="fuel", activity="diesel", quantity=round(30 * scale, 2), unit="t",
            data_class="estimated", class_justification="车辆加油卡汇总 fuel-card totals, no meter",
            crosscheck_source="加油卡账单", crosscheck_quantity=round(30 * scale, 2))
        add(year, 0, source_id="S4", kind="process", activity="limestone", quantity=round(5000 * scale), unit="t",
            fraction=0.95, data_class="intermittent", class_justification="belt scale, weekly reading",
            crosscheck_source="采购合同", crosscheck_quantity=round(5000 * scale), meter_id="BS-01",
            factor_uncertainty_pct=1, ad_uncertainty_pct=2)
        add(year, 0, source_id="S5", kind="fugitive", activity="HFC-134a", quantity=12, unit="kg",
            data_class="estimated", class_justification="refill records of the chillers",
            crosscheck_source="维保记录", crosscheck_quantity=12)
        add(year, 0, source_id="S6", kind="other", activity="熟料公路运输", quantity=round(250000 * scale),
            unit="t*km", factor=0.078, factor_unit="kgCO2e/t*km", category=3, factor_type="supplier", factor_tier="c",
            factor_source="物流商声明 carrier declaration", factor_monitoring_method="fleet fuel records",
            factor_monitoring_frequency="annual", factor_recording_frequency="annual",
            factor_missing_data_handling="not applicable", data_class="estimated",
            class_justification="carrier statement", crosscheck_source="运单",
            crosscheck_quantity=round(250000 * scale), factor_uncertainty_pct=20, ad_uncertainty_pct=5)
    # one record whose meter calibration lapsed, to show a blocking finding in the example
    acts[-8]["meter_id"] = "EM-02"
    return {
        "settings": {"organisation": "示例水泥有限公司 Example Cement Co.", "reporting_year": 2024, "base_year": 2020,
                     "method": "iso14064-1", "gwp": "AR5", "region": "广东", "crosscheck_tolerance_pct": 5,
                     "sampling_seed": 20240101, "recalculation_threshold_pct": 5},
        "sources": [
            {"source_id": "S1", "facility": "水泥厂 Plant A", "description": "天然气锅炉 gas boiler", "kind": "fuel", "category": 1},
            {"source_id": "S2", "facility": "水泥厂 Plant A", "description": "厂内车辆 site vehicles", "kind": "fuel", "category": 1},
            {"source_id": "S3", "facility": "水泥厂 Plant A", "description": "外购电力 grid electricity", "kind": "electricity", "category": 2},
            {"source_id": "S4", "facility": "水泥厂 Plant A", "description": "石灰石分解 limestone calcination", "kind": "process", "category": 1},
            {"source_id": "S5", "facility": "水泥厂 Plant A", "description": "冷水机组 chillers", "kind": "fugitive", "category": 1},
            {"source_id": "S6", "facility": "水泥厂 Plant A", "description": "熟料运输 clinker freight", "kind": "other", "category": 3},
        ],
        "activity": acts,
        "meters": [
            {"meter_id": "FM-01", "accuracy_class": "1.0", "accuracy_pct": 1.0, "calibrated_on": "2019-07-01", "valid_until": "2026-06-30", "measurement_class": "continuous"},
            {"meter_id": "EM-01", "accuracy_class": "0.5S", "accuracy_pct": 0.5, "calibrated_on": "2019-01-01", "valid_until": "2026-12-31", "measurement_class": "continuous"},
            {"meter_id": "BS-01", "accuracy_class": "0.5", "accuracy_pct": 0.5, "calibrated_on": "2019-01-01", "valid_until": "2026-12-31", "measurement_class": "intermittent"},
            {"meter_id": "EM-02", "accuracy_class": "0.5S", "accuracy_pct": 0.5, "calibrated_on": "2022-01-01", "valid_until": "2024-06-30", "measurement_class": "continuous"},
        ],
        "output": [{"product": "熟料", "year": 2020, "quantity": 100000, "unit": "t"},
                   {"product": "熟料", "year": 2024, "quantity": 95000, "unit": "t"}],
        "targets": [{"target_id": "T1", "indicator": "absolute", "scope": "total", "base_year": 2020, "target_year": 2025,
                     "reduction_pct": 12},
                    {"target_id": "T2", "indicator": "intensity:熟料", "scope": "total", "base_year": 2020,
                     "target_year": 2025, "reduction_pct": 8}],
        "boundary_changes": [],
    }


# worked example of the optional LabReports sheet (the template's "化验报告示例 LabReportsExample" sheet):
# monthly gas-quality reports of S1, sampled in the month, tested and issued after, used after issue
EXAMPLE_LAB_REPORTS = [
    {"report_id": "GQ-2024-01", "source_id": "S1", "period": "2024-01", "parameter": "ncv", "value": 389.6,
     "unit": "GJ/10^4Nm3", "laboratory": "某检测中心 Test Centre", "sampled_on": "2024-01-15",
     "tested_on": "2024-01-17", "issued_on": "2024-01-22", "used_on": "2024-02-05"},
    {"report_id": "GQ-2024-02", "source_id": "S1", "period": "2024-02", "parameter": "ncv", "value": 388.9,
     "unit": "GJ/10^4Nm3", "laboratory": "某检测中心 Test Centre", "sampled_on": "2024-02-14",
     "tested_on": "2024-02-16", "issued_on": "2024-02-21", "used_on": "2024-03-05"},
    {"report_id": "CQ-2024-01", "source_id": "S1", "period": "2024-01", "parameter": "moisture", "value": 0.8,
     "unit": "%", "laboratory": "某检测中心 Test Centre", "sampled_on": "2024-01-15",
     "tested_on": "2024-01-17", "issued_on": "2024-01-22", "used_on": "2024-02-05"},
]
