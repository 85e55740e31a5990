"""The worked example of the template: 1 t of wood pellets at the factory gate (a declared unit, cradle to
gate). The foreground amounts are an illustration of a company's own data, not facts about any plant; the
background uses only data sets tancert ships (data/background.json) — nothing else is invented.

It shows a loop (the boiler burns some of the pellets to dry the sawdust that becomes pellets), a co-product
(sawdust from the sawmill, allocated by dry mass), biogenic emissions and removals, a cut-off flow, and
primary data for the processes the pellet maker controls (R6.3-pcf).
"""

from __future__ import annotations


def example() -> dict:
    settings = {
        "product": "木质颗粒燃料 wood pellets", "organisation": "示例生物质能源有限公司",
        "unit_type": "declared", "functional_unit": "1 t 木质颗粒，出厂 (1 t wood pellets at the factory gate)",
        "reference_process": "P1", "amount": 1, "unit": "t", "boundary": "cradle-to-gate",
        "standard": "GB/T 24067-2024", "gwp": "AR6", "allocation": "physical",
        "allocation_justification": "锯木厂无法细分为锯材与锯末两个过程，亦无可替代锯末的单一产品；按干物质质量分配（物理关系）。"
                                    " The sawmill cannot be subdivided and no single product is displaced by sawdust: "
                                    "partitioned by dry mass (physical relationship).",
        "cutoff_pct": 1, "data_year": 2024,
    }
    ped = {"reliability": 2, "completeness": 2, "temporal": 1, "geographical": 1, "technological": 2}
    processes = [
        {"process_id": "P1", "name": "颗粒成型 pelletising", "stage": "production", "product": "木质颗粒 pellets",
         "amount": 1, "unit": "t", "controlled": "yes", "data_type": "primary", "source": "2024 年电表与生产台账",
         **ped},
        {"process_id": "P2", "name": "锯木厂 sawmill", "stage": "raw_material", "product": "锯材 sawn timber",
         "amount": 1, "unit": "m3", "controlled": "no", "data_type": "secondary", "source": "供应商 2024 年数据表",
         "price": 1500, "physical": 0.45, "reliability": 3, "completeness": 3, "temporal": 1, "geographical": 2,
         "technological": 3},
        {"process_id": "P3", "name": "生物质热风炉 biomass dryer furnace", "stage": "production",
         "product": "热 heat", "amount": 1, "unit": "GJ", "controlled": "yes", "data_type": "primary",
         "source": "2024 年燃料台账", **ped},
    ]
    exchanges = [
        {"process_id": "P1", "type": "input", "flow": "P2#锯末 sawdust", "amount": 1.15, "unit": "t",
         "uncertainty_pct": 5},
        {"process_id": "P1", "type": "input", "flow": "P3", "amount": 1.8, "unit": "GJ", "uncertainty_pct": 10},
        {"process_id": "P1", "type": "background", "flow": "CN-ELEC-CF-2024", "amount": 130, "unit": "kWh",
         "uncertainty_pct": 3},
        {"process_id": "P1", "type": "cutoff", "flow": "包装膜 packaging film", "amount": 1.2, "unit": "kg",
         "cutoff_estimate_pct": 0.4, "note": "按供应商质量估算 estimated from the supplier's mass"},
        {"process_id": "P2", "type": "coproduct", "flow": "锯末 sawdust", "amount": 0.5, "unit": "t", "price": 200,
         "physical": 1},
        {"process_id": "P2", "type": "background", "flow": "CN-ELEC-CF-2024", "amount": 28, "unit": "kWh",
         "uncertainty_pct": 10},
        {"process_id": "P2", "type": "background", "flow": "CN-COMB-DIESEL", "amount": 3.5, "unit": "kg",
         "uncertainty_pct": 10},
        {"process_id": "P2", "type": "removal", "flow": "CO2", "amount": 1200, "unit": "kg", "uncertainty_pct": 15,
         "note": "木材生长吸收的 CO2 CO2 taken up by the growing wood"},
        {"process_id": "P3", "type": "input", "flow": "P1", "amount": 0.058, "unit": "t", "uncertainty_pct": 5},
        {"process_id": "P3", "type": "biogenic", "flow": "CO2", "amount": 105, "unit": "kg", "uncertainty_pct": 5},
        {"process_id": "P3", "type": "biogenic", "flow": "CH4", "amount": 0.03, "unit": "kg", "uncertainty_pct": 50},
        {"process_id": "P3", "type": "fossil", "flow": "N2O", "amount": 0.004, "unit": "kg", "uncertainty_pct": 50,
         "note": "燃烧产生的 N2O（非生物源碳）N2O of combustion (not biogenic carbon)"},
    ]
    return {"settings": settings, "processes": processes, "exchanges": exchanges, "background": []}
