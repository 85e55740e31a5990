"""The footprint engine on a hand-computed system: a loop (power ↔ fuel), a co-product under each allocation
method, biogenic carbon and land-use change reported apart, and the bad inputs it must refuse, located."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from tancert.footprint import InputError, evaluate
from tancert.footprint.reader import from_dict
from tancert.footprint.uncertainty import draw, entries_of, summary

# AR5: CH4 28, N2O 265 (reference/quantification.md §1)
SYSTEM = {
    "settings": {"product": "widget", "unit_type": "declared", "functional_unit": "1 kg widget", "reference_process": "P1",
                 "amount": 1, "unit": "kg", "boundary": "cradle-to-gate", "gwp": "AR5", "allocation": "physical",
                 "allocation_justification": "refinery outputs share one mass balance"},
    "processes": [
        {"process_id": "P1", "name": "assembly", "stage": "production", "product": "widget", "amount": 1, "unit": "kg",
         "controlled": "yes", "data_type": "primary", "source": "meters",
         "reliability": 1, "completeness": 1, "temporal": 1, "geographical": 1, "technological": 1},
        {"process_id": "P2", "name": "power plant", "stage": "production", "product": "power", "amount": 10,
         "unit": "kWh", "controlled": "yes", "data_type": "primary", "source": "meters",
         "reliability": 3, "completeness": 3, "temporal": 3, "geographical": 3, "technological": 3},
        {"process_id": "P3", "name": "refinery", "stage": "raw_material", "product": "fuel", "amount": 1, "unit": "kg",
         "controlled": "no", "data_type": "secondary", "source": "supplier", "price": 3},
    ],
    "exchanges": [
        {"process_id": "P1", "type": "input", "flow": "P2", "amount": 2, "unit": "kWh"},
        {"process_id": "P1", "type": "fossil", "flow": "CO2", "amount": 1, "unit": "kg", "uncertainty_pct": 10},
        {"process_id": "P1", "type": "biogenic", "flow": "CO2", "amount": 0.3, "unit": "kg"},
        {"process_id": "P1", "type": "removal", "flow": "CO2", "amount": 200, "unit": "g"},
        {"process_id": "P1", "type": "luc", "flow": "CO2", "amount": 0.1, "unit": "kg"},
        {"process_id": "P2", "type": "input", "flow": "P3", "amount": 1000, "unit": "g", "uncertainty_pct": 5},
        {"process_id": "P2", "type": "fossil", "flow": "CO2", "amount": 5, "unit": "kg", "uncertainty_pct": 5},
        {"process_id": "P3", "type": "input", "flow": "P2", "amount": 0.5, "unit": "kWh"},
        {"process_id": "P3", "type": "fossil", "flow": "CH4", "amount": 0.1, "unit": "kg", "uncertainty_pct": 50},
        {"process_id": "P3", "type": "coproduct", "flow": "by", "amount": 1, "unit": "kg", "price": 1,
         "substitutes": "BG-X"},
    ],
    "background": [{"dataset_id": "BG-X", "name": "test data set", "value": 0.4, "unit": "kg", "source": "test",
                    "confidence": "checked"}],
}
EXTRA = 0.3 - 0.2 + 0.1  # biogenic emission − removal + dLUC of P1


def model(mutate=None, **settings):
    data = copy.deepcopy(SYSTEM)
    data["settings"].update(settings)
    if mutate:
        mutate(data)
    return from_dict(data, origin="hand")


@pytest.fixture(scope="module")
def physical():
    return evaluate(model())


def test_hand_computed_loop_and_coproduct_physical(physical):
    # P3's outputs split 50/50 by mass; s2 from 10·s2 = 2 + 0.25·s2 (the loop power → fuel → power)
    s2 = 2 / 9.75
    assert physical.total == pytest.approx(1 + 5 * s2 + 28 * 0.05 * s2 + EXTRA, rel=1e-12)
    j = physical.to_json()
    assert j["total_kgco2e_per_unit"] == pytest.approx(2.5128205128205128, rel=1e-12)
    assert j["by_stage"]["raw_material"] == pytest.approx(28 * 0.05 * s2, rel=1e-12)
    assert j["by_gas"]["CH4"] == pytest.approx(28 * 0.05 * s2, rel=1e-12)
    assert j["biogenic"] == {"emissions_kgco2e": pytest.approx(0.3), "removals_kgco2e": pytest.approx(-0.2),
                             "net_kgco2e": pytest.approx(0.1)}
    assert j["land_use_change_kgco2e"] == pytest.approx(0.1)
    assert j["fossil_kgco2e"] == pytest.approx(1 + 5 * s2 + 28 * 0.05 * s2, rel=1e-12)
    top = {p["process"]: p for p in j["by_process"]}
    assert top["P2"]["kgco2e"] == pytest.approx(5 * s2, rel=1e-12)
    # the transposed solve with the same factors: the footprint per unit of the functional unit's product
    assert top["P1"]["upstream_kgco2e_per_unit"] == pytest.approx(physical.total, rel=1e-12)
    # primary share by contribution: P1 and P2 are primary, P3's CH4 secondary
    prim = 1.6 + 5 * s2
    assert j["primary_data_share"] == pytest.approx(100 * prim / (prim + 28 * 0.05 * s2), rel=1e-12)
    assert j["data_quality"]["weighted_dqr"] == pytest.approx((1.2 * 1 + 5 * s2 * 3) / (1.2 + 5 * s2), rel=1e-12)
    assert j["findings_summary"] and not j["blocking"]


def test_allocation_methods_by_hand(physical):
    sens = physical.sensitivity["methods"]
    assert sens["economic"]["total_kgco2e_per_unit"] == pytest.approx(1 + 7.1 * 2 / 9.625 + EXTRA, rel=1e-12)
    # system expansion: P3 keeps everything and its by-product displaces BG-X (0.4 kgCO2e/kg)
    assert sens["system_expansion"]["total_kgco2e_per_unit"] == pytest.approx(1 + 7.4 * 2 / 9.5 + EXTRA, rel=1e-12)
    se = evaluate(model(allocation="system_expansion"))
    assert se.total == pytest.approx(1 + 7.4 * 2 / 9.5 + EXTRA, rel=1e-12)
    assert se.breakdown["by_origin"]["background"] == pytest.approx(-0.4 * 2 / 9.5, rel=1e-12)


def test_uncertainty_approach1_and_monte_carlo(physical):
    a1 = physical.approach1
    s2 = 2 / 9.75
    contrib = [(1.0, 0.10), (5 * s2, 0.05), (28 * 0.05 * s2, 0.5), (physical.solved.upstream[2] * s2, 0.05)]
    expect = 100 * np.sqrt(sum((x * u) ** 2 for x, u in contrib)) / physical.total
    assert a1["u_pct"] == pytest.approx(expect, rel=1e-9)
    assert a1["not_covered_share_pct"] > 0  # the loop inputs and P1's biogenic flows state none
    sysm = physical.solved.system
    ents, _ = entries_of(sysm)
    totals, stats = draw(sysm.A, physical.solved.lu, sysm.f, physical.solved.s, physical.solved.cB, sysm.c, ents,
                         400, seed=7)
    again, _ = draw(sysm.A, physical.solved.lu, sysm.f, physical.solved.s, physical.solved.cB, sysm.c, ents, 400,
                    seed=7)
    assert np.array_equal(totals, again)  # the seed reproduces the draws
    assert stats["refined"] + stats["refactorised"] == 400 and stats["refined"] > 350
    s = summary(totals, stats)
    assert s["lower"] < physical.total < s["upper"]
    assert s["median"] == pytest.approx(physical.total, rel=0.05)


def _set(_, pid, key, value, kind="processes", nth=0):
    def mutate(d):
        rows = [r for r in d[kind] if r["process_id"] == pid]
        rows[nth][key] = value
    return mutate


def _add(kind, **row):
    return lambda d: d[kind].append(row)


def _loop(gain):
    def mutate(d):
        for p in ("P4", "P5"):
            d["processes"].append({"process_id": p, "name": p, "stage": "production", "product": p, "amount": 1,
                                   "unit": "kg", "controlled": "no", "data_type": "secondary", "source": "s"})
        d["exchanges"] += [{"process_id": "P1", "type": "input", "flow": "P4", "amount": 1, "unit": "kg"},
                           {"process_id": "P4", "type": "input", "flow": "P5", "amount": gain, "unit": "kg"},
                           {"process_id": "P5", "type": "input", "flow": "P4", "amount": 1, "unit": "kg"}]
    return mutate


BAD = {
    "negative exchange": (_set(0, "P2", "amount", -5, "exchanges", 1), ("交换 Exchanges", 9, "amount"), "负数"),
    "unit mismatch": (_set(0, "P1", "unit", "kg", "exchanges"), ("交换 Exchanges", 3, "unit"), "单位不匹配"),
    "no reference product": (_set(0, "P3", "product", ""), ("过程 Processes", 5, "product"), "参考产品"),
    "singular loop": (_loop(1), ("过程 Processes", None, "process_id"), "P4, P5"),
    "loop consuming more than it makes": (_loop(2), ("过程 Processes", None, "process_id"), "P4, P5"),
    "not finite": (_set(0, "P1", "amount", float("nan"), "exchanges", 1), ("交换 Exchanges", 4, "amount"), "有限"),
    "huge": (_set(0, "P1", "amount", 1e300, "exchanges", 1), ("交换 Exchanges", 4, "amount"), "有限"),
    "unknown gas": (_set(0, "P1", "flow", "XYZ", "exchanges", 1), ("交换 Exchanges", 4, "flow"), "GWP"),
    "emission not a mass": (_set(0, "P1", "unit", "kWh", "exchanges", 1), ("交换 Exchanges", 4, "unit"), "质量"),
    "unknown unit": (_set(0, "P1", "unit", "blargh", "exchanges", 1), ("交换 Exchanges", 4, "unit"),
                     "单位"),
    "unknown provider": (_set(0, "P1", "flow", "P9", "exchanges"), ("交换 Exchanges", 3, "flow"), "P9"),
    "unknown co-product": (_set(0, "P1", "flow", "P3#nope", "exchanges"), ("交换 Exchanges", 3, "flow"), "nope"),
    "unknown data set": (_add("exchanges", process_id="P1", type="background", flow="NOPE", amount=1, unit="kg"),
                         ("交换 Exchanges", 13, "flow"), "NOPE"),
    "unknown type": (_set(0, "P1", "type", "teleport", "exchanges"), ("交换 Exchanges", 3, "type"), "选项"),
    "duplicate process": (_add("processes", process_id="P1", name="x", stage="use", product="x", amount=1, unit="kg",
                               controlled="no", data_type="secondary", source="s"), ("过程 Processes", 6, "process_id"),
                          "重复"),
    "pedigree out of range": (_set(0, "P1", "reliability", 7), ("过程 Processes", 3, "reliability"), "1"),
    "physical allocation across quantities": (lambda d: (d["exchanges"][9].update(unit="kWh"),
                                                         d["exchanges"][9].pop("substitutes")),
                                              ("过程 Processes", 5, "physical"), "量纲"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_located_in_both_languages(case):
    mutate, (sheet, row, column), zh = BAD[case]
    with pytest.raises(InputError) as exc:
        evaluate(model(mutate))
    errs = exc.value.errors
    assert any(e.sheet == sheet and e.row == row and e.column == column for e in errs), [e.as_dict() for e in errs]
    assert any(zh in e.message_zh for e in errs) and all(e.message and e.message_zh for e in errs)


def test_economic_without_prices_and_expansion_without_substitute():
    with pytest.raises(InputError) as exc:
        evaluate(model(_set(0, "P3", "price", None), allocation="economic"))
    assert exc.value.errors[0].column == "price" and "单价" in exc.value.errors[0].message_zh
    with pytest.raises(InputError) as exc:
        evaluate(model(lambda d: d["exchanges"][9].pop("substitutes"), allocation="system_expansion"))
    assert exc.value.errors[0].column == "substitutes"


def test_r63_pcf_missing_primary_data_is_blocking():
    r = evaluate(model(_set(0, "P2", "data_type", "secondary")))
    assert r.blocking and r.findings.count("blocking", "R6.3-pcf") == 1
    assert r.findings.rows_for("R6.3-pcf") >= {4}  # P2's row
    blocking = [f for f in r.findings if f["severity"] == "blocking"]
    assert blocking[0]["rule"] == "R6.3-pcf" and "P2" in blocking[0]["message_zh"]
    # one secondary amount in a controlled process is enough
    r = evaluate(model(lambda d: d["exchanges"][1].update(data_type="secondary")))
    assert r.findings.count("blocking", "R6.3-pcf") == 1
    # with the reason primary data cannot be had: a warning for the auditor, not a block
    r = evaluate(model(lambda d: d["processes"][1].update(data_type="secondary",
                                                          secondary_justification="meter broken, replaced in June")))
    assert not r.blocking and r.findings.count("warning", "R6.3-pcf") == 1


def test_r5b_method_choices_documented():
    r = evaluate(model(lambda d: d["exchanges"].append(
        {"process_id": "P1", "type": "cutoff", "flow": "glue", "amount": 1, "unit": "g", "cutoff_estimate_pct": 3}),
        allocation_justification="", cutoff_pct=1))
    rules = [(f["rule"], f["severity"]) for f in r.findings]
    assert ("R5.b", "warning") in rules  # allocation choice not justified
    assert ("R5.b", "blocking") in rules  # 3 % cut off against a 1 % criterion
    assert r.cutoff["estimated_total_pct"] == 3
    r = evaluate(model(_set(0, "P1", "stage", "use")))
    assert r.findings.count("warning", "R5.b") == 1  # a use stage in a cradle-to-gate footprint
