"""Market-based Scope 2 (tancert/ghg/market.py): green electricity certificates and green power contracts,
the double-counting check, both totals in --json, the text statement and the report. Figures by hand."""

from __future__ import annotations

import pytest
from ghg_helpers import ds, rec

from tancert.ghg import check
from tancert.ghg.errors import InputError

GD = 0.4419  # 广东 2023 provincial factor (MEE-NBS-ELEC-2023, checked): the location-based factor for 2024
RESIDUAL = 0.6096  # national excl. market-traded non-fossil 2023 (MEE-NBS-ELEC-2023, unverified as given)


def elec(period, mwh, facility="F1", **kw):
    return rec(kind="electricity", activity="grid", quantity=mwh, unit="MWh", region="广东", period=period,
               facility=facility, **kw)


def gec(iid, ids, mwh, period="2024-01", vintage="2024-01", facility="F1", typ="gec"):
    return {"instrument_id": iid, "type": typ, "certificate_ids": ids, "quantity_mwh": mwh, "vintage": vintage,
            "period": period, "facility": facility}


def blocking(r, rule):
    return [f for f in r.findings if f["rule"] == rule and f["severity"] == "blocking" and f["sheet"].endswith("Instruments")]


def test_market_based_by_hand():
    # F1 consumes 1,000 MWh (Jan) + 500 MWh (Feb); 300 certificates for January, a 200 MWh green power contract
    # for the year (kWh given: 1 MWh = 1,000 kWh, the certificates' own unit)
    d = ds(elec("2024-01", 1000), elec("2024-02", 500), rec(source_id="S9", quantity=1),
           instruments=[gec("G1", "A1;A2;A3", 300), gec("G2", "B1", 200, period="2024", vintage="2024", typ="绿电交易")])
    r = check(d)
    mk = r.to_json()["market_based"]
    loc = 1500 * GD  # 662.85 t
    assert mk["location_grid_electricity_tco2e"] == pytest.approx(loc)
    assert mk["covered_mwh"] == pytest.approx(500) and mk["residual_mwh"] == pytest.approx(1000)
    # market: 1,000 MWh × 0.6096 = 609.6 t; the natural gas row is the same in both totals
    assert mk["market_grid_electricity_tco2e"] == pytest.approx(609.6)
    assert mk["scope2_location_tco2e"] == pytest.approx(loc) and mk["scope2_market_tco2e"] == pytest.approx(609.6)
    assert mk["market_based_tco2e"] == pytest.approx(r.summary["total_tco2e"] - loc + 609.6)
    assert r.summary["total_tco2e"] == mk["location_based_tco2e"]  # location-based stays the inventory's total
    assert mk["residual_factor"]["id"] == "MEE-NBS-ELEC-2023/electricity:grid-excl-market-nonfossil/EF"
    assert mk["residual_factor"]["confidence"] == "unverified" and mk["instruments_counted"] == 2
    assert not blocking(r, "R6.2-crosscheck") and not blocking(r, "R6.3-review")
    assert any(f["rule"] == "R6.3-review" and "unverified" in f["message"] for f in r.findings)  # the mark is shown


def test_same_certificate_twice_is_double_counting():
    d = ds(elec("2024-01", 1000),
           instruments=[gec("G1", "A1, A2", 2), gec("G2", "A2 A3", 2), gec("G3", "C1", 1)])
    r = check(d)
    b = blocking(r, "R6.2-crosscheck")
    assert {f["row"] for f in b} == {1, 2} and "A2" in b[0]["message"] and "重复" in b[0]["message_zh"]
    mk = r.market
    assert mk["covered_mwh"] == pytest.approx(1) and mk["instruments_counted"] == 1  # only G3 counts


def test_same_id_within_one_row_is_double_counting():
    r = check(ds(elec("2024-01", 10), instruments=[gec("G1", "A1;A1", 2)]))
    assert blocking(r, "R6.2-crosscheck") and r.market["covered_mwh"] == 0


def test_more_claimed_than_consumed_in_a_month_and_a_year():
    d = ds(elec("2024-01", 100), elec("2024-02", 100),
           instruments=[gec("G1", "A1", 150, period="2024-01"), gec("G2", "B1", 200, period="2024", vintage="2024")])
    r = check(d)
    msgs = [f["message"] for f in blocking(r, "R6.2-crosscheck")]
    assert any("2024-01" in m and "150.000" in m for m in msgs)  # January: 150 claimed, 100 consumed
    assert any("in 2024," in m for m in msgs)  # the year: 100 (capped January) + 200 > 200
    assert r.market["covered_mwh"] == pytest.approx(200) and r.market["scope2_market_tco2e"] == pytest.approx(0)


def test_claim_for_a_site_without_grid_consumption():
    r = check(ds(elec("2024-01", 100), instruments=[gec("G1", "A1", 5, facility="F2")]))
    assert any("F2" in f["message"] for f in blocking(r, "R6.2-crosscheck")) and r.market["covered_mwh"] == 0


def test_vintage_outside_the_reporting_year():
    r = check(ds(elec("2024-01", 100), instruments=[gec("G1", "A1", 5, vintage="2023-12")]))
    b = blocking(r, "R6.3-review")
    assert b and "2023-12" in b[0]["message"] and r.market["covered_mwh"] == 0


def test_claim_for_another_year_is_not_counted():
    r = check(ds(elec("2024-01", 100), instruments=[gec("G1", "A1", 5, period="2023-05", vintage="2024-01")]))
    assert any(f["rule"] == "R6.2-crosscheck" and f["severity"] == "warning" and "2023-05" in f["message"]
               for f in r.findings)
    assert r.market["covered_mwh"] == 0


def test_no_residual_factor_before_its_first_data_year():
    r = check(ds(elec("2020-01", 100), settings={"reporting_year": 2020}, instruments=[
        gec("G1", "A1", 5, period="2020-01", vintage="2020-01")]))
    assert r.market["scope2_market_tco2e"] is None
    assert any("no residual factor" in f["message"] for f in r.findings)


def test_without_instruments_nothing_changes():
    r = check(ds(elec("2024-01", 100)))
    assert r.market is None and "market_based" not in r.to_json()


@pytest.mark.parametrize("bad, column", [({"type": "voucher"}, "type"), ({"certificate_ids": ""}, "certificate_ids"),
                                          ({"quantity_mwh": "nan"}, "quantity_mwh"), ({"quantity_mwh": -1}, "quantity_mwh"),
                                          ({"vintage": "2024-13"}, "vintage"), ({"period": "x"}, "period"),
                                          ({"certificate_ids": "A" * 65}, "certificate_ids")])
def test_bad_instrument_cells_are_refused(bad, column):
    with pytest.raises(InputError) as e:
        ds(elec("2024-01", 100), instruments=[gec("G1", "A1", 1) | bad])
    assert any(c.column == column and c.message_zh for c in e.value.errors)


def test_both_totals_in_text_report_and_frozen_record():
    from tancert.ghg import freeze, replay
    from tancert.ghg.cli import statement_text
    from tancert.ghg.report import render_html

    r = check(ds(elec("2024-01", 1000), instruments=[gec("G1", "A1", 400)]))
    text = statement_text(r)
    assert "Scope 2 location-based 441.9 tCO2e; market-based 365.8 tCO2e" in text  # 600 × 0.6096 = 365.76
    html = render_html(r)
    assert "位置法" in html and "市场法" in html and "365.8" in html and "未核实" in html
    record = freeze(r)
    assert record["inputs"]["instruments"][0]["certificate_ids"] == ["A1"]
    diff, again = replay(record)
    assert diff is None and again.market["scope2_market_tco2e"] == pytest.approx(365.76)
