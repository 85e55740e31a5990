"""Template, Excel/CSV/JSON import: same results, precise errors, nothing imported partially."""

import csv
import json

import openpyxl
import pytest

from tancert.ghg import InputError, check, from_dict, load
from tancert.ghg.columns import ACTIVITY_KEYS
from tancert.ghg.example import example_dataset
from tancert.ghg.template import write_template


@pytest.fixture(scope="module")
def example_xlsx(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "example.xlsx", example=True)


def test_template_has_bilingual_headers_validation_and_example(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert {"说明 Readme", "设置 Settings", "活动数据 Activity", "排放源 Sources", "计量器具 Meters", "示例 Example",
            "代码 Lists"} <= set(wb.sheetnames)
    ws = wb["活动数据 Activity"]
    assert ws["A1"].value == "设施" and ws["A2"].value == "facility"
    assert [c.value for c in ws[2]] == ACTIVITY_KEYS
    kinds = [dv for dv in ws.data_validations.dataValidation if "D3" in str(dv.sqref)]
    assert kinds and kinds[0].type == "list"
    assert wb["示例 Example"]["D3"].value == "fuel"


def test_excel_json_and_csv_give_the_same_inventory(example_xlsx, tmp_path):
    data = example_dataset()
    a = check(example_xlsx).summary
    b = check(from_dict(data)).summary
    jpath = tmp_path / "d.json"
    jpath.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    c = check(jpath).summary
    assert a["total_tco2e"] == pytest.approx(b["total_tco2e"], rel=1e-12) == c["total_tco2e"]
    # a CSV holds activity rows only: without a Settings sheet the reporting year is missing
    cpath = tmp_path / "a.csv"
    rows = [r for r in data["activity"] if r["period"].startswith("2024")]
    with cpath.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=ACTIVITY_KEYS)
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(InputError, match="reporting_year"):
        load(cpath)
    # the other sheets travel as sidecar files a.settings.csv, a.sources.csv …
    (tmp_path / "a.settings.csv").write_text("key,value\nreporting_year,2024\nregion,广东\n", encoding="utf-8")
    assert check(cpath).summary["total_tco2e"] == pytest.approx(a["total_tco2e"], rel=1e-12)


def test_errors_name_sheet_row_column_and_nothing_is_imported(tmp_path):
    data = example_dataset()
    acts = data["activity"]
    acts[0]["unit"] = "furlong"
    acts[1]["quantity"] = -5
    acts[2]["period"] = "2019-03"
    acts[3].update(kind="fuel", activity="unobtainium")
    acts[4]["quantity"] = "abc"
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load(p)
    got = {(x.row, x.column) for x in e.value.errors}
    assert {(1, "unit"), (2, "quantity"), (3, "period"), (4, "activity"), (5, "quantity")} <= got
    msgs = " | ".join(str(x) for x in e.value.errors)
    assert "unit 'furlong'" in msgs and "negative quantity" in msgs and "outside the year" in msgs
    assert "unknown fuel 'unobtainium'" in msgs and "'abc' is not a number" in msgs
    assert all(x.sheet == "活动数据 Activity" for x in e.value.errors)


def test_excel_error_rows_are_sheet_rows(example_xlsx, tmp_path):
    wb = openpyxl.load_workbook(example_xlsx)
    ws = wb["活动数据 Activity"]
    ws.cell(row=7, column=ACTIVITY_KEYS.index("quantity") + 1, value=-1)
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as e:
        load(bad)
    assert [(x.sheet, x.row, x.column) for x in e.value.errors] == [("活动数据 Activity", 7, "quantity")]


def test_unknown_column_and_missing_required_column_are_reported():
    with pytest.raises(InputError) as e:
        from_dict({"settings": {"reporting_year": 2024}, "activity": [{"facility": "F", "colour": "red"}]})
    cols = {x.column for x in e.value.errors}
    assert {"colour", "source_id", "quantity", "period"} <= cols


def test_other_sheets_validate_too():
    data = example_dataset()
    data["meters"][0]["valid_until"] = "someday"
    data["targets"][0]["indicator"] = "vibes"
    with pytest.raises(InputError) as e:
        from_dict(data)
    assert {(x.sheet, x.row, x.column) for x in e.value.errors} == {
        ("计量器具 Meters", 1, "valid_until"), ("目标 Targets", 1, "indicator")}


def test_csv_with_both_header_rows_and_annual_period(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("设施,排放源编号,期间,类型,活动,数量,单位\nfacility,source_id,period,kind,activity,quantity,unit\n"
                 "F,S1,2024,fuel,natural_gas,100,10^4Nm3\n", encoding="utf-8")
    from tancert.ghg.importer import from_grids

    rows = list(csv.reader(p.open(encoding="utf-8")))
    ds = from_grids({"Activity": rows, "Settings": [["key", "value"], ["reporting_year", 2024]]}, origin="x.csv")
    assert ds.activity.rows.tolist() == [3] and ds.activity.month.tolist() == [0]


def test_template_documents_every_column_and_validates_every_coded_one(tmp_path):
    """docs/ghg.md §4: Chinese header, English key below, a list validation on every coded column
    (fed from the Lists sheet), every column described in the Readme, every sheet bilingual."""
    from tancert.ghg.columns import ACTIVITY_COLUMNS
    from tancert.ghg.importer import SHEETS, sheet_title

    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = wb["活动数据 Activity"]
    validated = {str(c) for dv in ws.data_validations.dataValidation if dv.type == "list"
                 and "Lists" in (dv.formula1 or "") for c in str(dv.sqref).split()}
    for j, c in enumerate(ACTIVITY_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(j)
        assert (ws.cell(1, j).value, ws.cell(2, j).value) == (c.zh, c.key)
        assert any(v.startswith(f"{letter}3:") for v in validated) == bool(c.choices), c.key
    readme = " ".join(str(c.value) for row in wb["说明 Readme"].iter_rows() for c in row if c.value)
    assert all(c.key in readme and c.help[:20] in readme for c in ACTIVITY_COLUMNS)
    for name, spec in SHEETS.items():
        sh = wb[sheet_title(name)]
        assert [sh.cell(2, j + 1).value for j in range(len(spec.columns))] == [k for k, _ in spec.columns]
        assert [sh.cell(1, j + 1).value for j in range(len(spec.columns))] == [zh for _, zh in spec.columns]


def test_worked_example_workbook_gives_the_documented_result(example_xlsx):
    """docs/ghg.md §7: total 5,985.8 tCO2e, ±0.7 % (Approach 1), a blocking R6.2-calibration finding."""
    r = check(example_xlsx)
    assert round(r.summary["total_tco2e"], 1) == 5985.8
    assert round(r.uncertainty.total.u_pct, 1) == 0.7
    assert r.blocking and "R6.2-calibration" in {b.rule for b in r.findings.blocks if b.severity == "blocking"}
