"""Every input error of the GHG engine carries a Chinese message_zh beside the English message (the
UI is Chinese first): the import errors the readers, the column validation and the calculation can
produce, the "and N more rows" summaries, the Chinese rendering of an error and the CLI's --lang."""

import ast
import json
import re
from pathlib import Path

import pytest
from ghg_helpers import ds, rec

from tancert.ghg import (
    CellError,
    InputError,
    calculate,
    columns,
    from_dict,
    from_grids,
    importer,
    inventory,
    load,
)
from tancert.ghg.cli import main
from tancert.ghg.errors import ROWS_LISTED, ErrorList

CJK = re.compile(r"[\u4e00-\u9fff]")
S = {"reporting_year": 2024}


def _acts(*records, settings=None, **sheets):
    return lambda: from_dict({"settings": S | (settings or {}), "activity": list(records), **sheets})


def _file(name, content):
    def run(tmp_path):
        p = tmp_path / name
        p.write_bytes(content) if isinstance(content, bytes) else p.write_text(content, encoding="utf-8")
        return load(p)
    return run


SETTINGS_GRID = [["key", "value"], ["reporting_year", 2024]]
ACTIVITY_GRID = [list(rec()), list(rec().values())]

# (expected English wording, how to trigger it); each scenario raises InputError
def _zip_without_workbook() -> bytes:
    """A zip the guard lets through (small, no worksheets) that is still no workbook for the reader."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "no workbook here")
    return buf.getvalue()


SCENARIOS = [
    # readers
    ("file not found", lambda tmp_path: load(tmp_path / "missing.xlsx")),
    ("invalid JSON", _file("bad.json", "{not json")),
    ("unsupported file type", _file("data.txt", "x")),
    ("not a valid .xlsx file", _file("broken.xlsx", b"this is not a workbook")),
    ("cannot read workbook", _file("junk.xlsx", _zip_without_workbook())),
    ("must be an object", _file("list.json", "[1, 2]")),
    ("the Activity sheet is missing", lambda: from_grids({"Settings": SETTINGS_GRID})),
    ("the Settings sheet", lambda: from_grids({"Activity": ACTIVITY_GRID})),
    ("unknown column 'colour'", _acts(rec(colour="red"))),
    ("no activity records", _acts()),
    ("unknown method", _acts(rec(), settings={"method": "nope"})),
    ("unknown setting", _acts(rec(), settings={"colour": "red"})),
    ("is not a number", _acts(rec(), settings={"reporting_year": "soon"})),
    ("reporting_year is required", lambda: from_dict({"settings": {}, "activity": [rec()]})),
    ("base_year is after reporting_year", _acts(rec(), settings={"base_year": 2030})),
    # the other sheets
    ("unknown column 'shape'", _acts(rec(), sources=[{"source_id": "S1", "shape": "round"}])),
    ("required value is empty", _acts(rec(), sources=[{"source_id": "", "facility": "F1"}])),
    ("is not a number", _acts(rec(), sources=[{"source_id": "S1", "category": "one"}])),
    ("valid_until) is required", _acts(rec(), meters=[{"meter_id": "M1", "accuracy_pct": 1}])),
    ("is not a date", _acts(rec(), meters=[{"meter_id": "M1", "valid_until": "someday"}])),
    ("is not a year", _acts(rec(), output=[{"product": "p", "year": "last", "quantity": 1, "unit": "t"}])),
    ("output must be positive", _acts(rec(), output=[{"product": "p", "year": 2024, "quantity": 0, "unit": "t"}])),
    ("indicator must be", _acts(rec(), targets=[{"target_id": "T", "indicator": "vibes", "base_year": 2020,
                                                  "target_year": 2030, "reduction_pct": 10}])),
    ("scope must be", _acts(rec(), targets=[{"target_id": "T", "indicator": "absolute", "scope": "9", "base_year": 2020,
                                              "target_year": 2030, "reduction_pct": 10}])),
    ("target_year must be after base_year", _acts(rec(), targets=[{"target_id": "T", "indicator": "absolute",
                                                                   "base_year": 2030, "target_year": 2020,
                                                                   "reduction_pct": 10}])),
    ("change must be one of", _acts(rec(), boundary_changes=[{"facility": "F1", "change": "merged", "year": 2024}])),
    # activity columns
    ("required column", _acts({"facility": "F"})),
    ("'abc' is not a number", _acts(rec(quantity="abc"))),
    ("more cells that are not numbers", _acts(*[rec(quantity="abc")] * 25)),
    ("required value is empty", _acts(rec(facility=""))),
    ("required value is empty", _acts(rec(quantity=""))),
    ("negative quantity", _acts(rec(quantity=-1))),
    ("is not a finite number", _acts(rec(quantity="inf"))),
    ("unknown kind", _acts(rec(kind="nope"))),
    ("unknown flow", _acts(rec(flow="sideways"))),
    ("unknown yes/no value", _acts(rec(biogenic="maybe"))),
    ("unknown data class", _acts(rec(data_class="guessed"))),
    ("unknown factor type", _acts(rec(factor_type="folk"))),
    ("unknown factor tier", _acts(rec(factor_tier="z"))),
    ("unknown distribution", _acts(rec(ad_distribution="cauchy"))),
    ("unknown factor table", _acts(rec(factor_table="no-such-table"))),
    ("unknown unit", _acts(rec(unit="furlong"))),
    ("unknown NCV unit", _acts(rec(ncv=1, ncv_unit="GJ/furlong"))),
    ("unknown factor unit", _acts(rec(kind="electricity", activity="grid", unit="MWh", factor=1, factor_unit="bananas"))),
    ("unknown fuel", _acts(rec(activity="unobtainium"))),
    ("unknown process material", _acts(rec(kind="process", activity="moonrock", unit="t"))),
    ("unknown gas 'XYZ'", _acts(rec(kind="fugitive", activity="XYZ", unit="t"))),
    ("unknown electricity activity", _acts(rec(kind="electricity", activity="wind-ish", unit="MWh"))),
    ("unknown heat activity", _acts(rec(kind="heat", activity="sauna", unit="GJ"))),
    ("oxidation rate", _acts(rec(of=2))),
    ("fraction must be between 0 and 1", _acts(rec(kind="process", activity="limestone", unit="t", fraction=3))),
    ("ncv must not be negative", _acts(rec(ncv=-1, ncv_unit="GJ/10^4Nm3"))),
    ("number of samples", _acts(rec(factor_samples=0.5))),
    ("category must be 1–6", _acts(rec(category=9))),
    ("ncv given without its unit", _acts(rec(ncv=1))),
    ("factor given without its unit", _acts(rec(kind="electricity", activity="grid", unit="MWh", factor=1))),
    ("kind other needs factor", _acts(rec(kind="other", activity="travel", unit="pkm", category=6))),
    ("kind other needs its ISO 14064-1 category",
     _acts(rec(kind="other", activity="travel", unit="pkm", factor=1, factor_unit="kgCO2e/pkm"))),
    ("supplier-specific factor", _acts(rec(kind="electricity", activity="supplier", unit="MWh"))),
    ("required value is empty", _acts(rec(period=""))),
    ("is not a month", _acts(rec(period="March"))),
    ("period outside the year", _acts(rec(period="2019-03"))),
    ("more rows", _acts(*[rec(quantity=-1)] * (ROWS_LISTED + 3))),
    # the calculation
    ("does not fix a GWP basis", lambda: calculate(ds(rec(), settings={"method": "gbt32150-2025"}))),
    ("unknown GWP basis", lambda: calculate(ds(rec(), settings={"gwp": "AR99"}))),
    ("missing factor: no NCV", lambda: calculate(ds(rec(activity="anthracite", quantity=5, unit="t")))),
    ("does not fit the NCV's unit", lambda: calculate(ds(rec(unit="t")))),
    ("does not fit the emission factor's unit", lambda: calculate(ds(rec(kind="electricity", activity="grid", unit="t")))),
    ("fugitive emissions are a mass", lambda: calculate(ds(rec(kind="fugitive", activity="CH4", unit="MWh")))),
    ("unknown gas; use one of", lambda: calculate(ds(rec(kind="other", activity="travel", unit="pkm", category=6,
                                                         factor=1, factor_unit="kg/pkm", gas="XYZ")))),
    ("has no GWP in CO2-only", lambda: calculate(ds(rec(kind="fugitive", activity="CH4", unit="t"),
                                                    settings={"method": "mee-power-2022"}))),
]


def _run(fn, tmp_path) -> list[CellError]:
    with pytest.raises(InputError) as e:
        fn(tmp_path) if fn.__code__.co_varnames[:1] == ("tmp_path",) else fn()
    return e.value.errors


@pytest.mark.parametrize(("expected", "fn"), SCENARIOS, ids=[f"{i:02d}-{s[0]}" for i, s in enumerate(SCENARIOS)])
def test_each_import_error_has_a_chinese_message(expected, fn, tmp_path):
    errors = _run(fn, tmp_path)
    assert any(expected in e.message for e in errors), [e.message for e in errors]
    for e in errors:
        assert e.message_zh and CJK.search(e.message_zh) and e.message_zh != e.message, e
        d = e.as_dict()
        assert d["message_zh"] == e.message_zh and d["message"] == e.message


def test_the_chinese_text_keeps_values_keys_and_units():
    [e] = _run(_acts(rec(unit="furlong")), None)
    assert e.message_zh.startswith("未知的单位：") and "furlong" in e.message_zh
    errors = _run(_acts(rec(kind="nope")), None)
    zh = next(e.message_zh for e in errors if e.column == "kind")
    assert "'nope'" in zh and "fuel, process, fugitive, electricity, heat, other" in zh and "；" in zh
    [e] = _run(lambda: calculate(ds(rec(activity="anthracite", quantity=5, unit="t"))), None)
    assert "低位发热量（NCV）" in e.message_zh and "ncv" in e.message_zh and "20.304" in e.message_zh


def test_rows_beyond_the_listed_ones_are_counted_in_chinese_too():
    errors = _run(_acts(*[rec(quantity=-1)] * (ROWS_LISTED + 3)), None)
    assert len(errors) == ROWS_LISTED + 1
    last = errors[-1]
    assert last.row is None and last.message.endswith("— and 3 more rows")
    assert last.message_zh.endswith("（另有 3 行）") and last.message_zh.startswith("数量为负")
    el = ErrorList()
    el.add_rows("S", list(range(ROWS_LISTED + 2)), "c", "bad", "错误")
    assert el.errors[-1].message_zh == "错误（另有 2 行）"
    el.add_rows("S", list(range(ROWS_LISTED + 2)), "c", "bad")  # no Chinese given: none invented
    assert el.errors[-1].message_zh == ""


def test_cell_error_renders_in_chinese_and_english_stays_the_default():
    e = CellError("活动数据 Activity", 7, "quantity", "negative quantity", "数量为负")
    assert e == CellError("活动数据 Activity", 7, "quantity", "negative quantity", message_zh="数量为负")
    assert str(e) == e.text() == "活动数据 Activity row 7, column quantity: negative quantity"
    assert e.text("zh") == "工作表 活动数据 Activity 第 7 行，列 quantity：数量为负"
    assert CellError("a.json", None, None, "file not found", "找不到文件").text("zh") == "工作表 a.json：找不到文件"
    assert CellError("S", None, None, "x").text("zh") == "工作表 S：x"  # no Chinese: the English message
    assert CellError("S", 1, None, "x").message_zh == ""
    with pytest.raises(AttributeError):
        e.message_zh = "y"  # still frozen
    err = InputError([e] * 3)
    assert err.summary() == str(err) and "column quantity" in err.summary()
    assert err.summary(limit=2, lang="zh").splitlines() == [e.text("zh"), e.text("zh"), "……另有 1 个问题"]


def test_cli_prints_the_errors_in_chinese_with_lang_zh(tmp_path, capsys):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"settings": S, "activity": [rec(quantity=-1)]}), encoding="utf-8")
    assert main(["check", str(p)]) == 1
    err = capsys.readouterr().err
    assert "bad input — nothing imported" in err and "negative quantity" in err and "数量为负" not in err
    assert main(["check", str(p), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "输入有误，未导入任何数据：" in err and "工作表 活动数据 Activity 第 1 行，列 quantity：数量为负" in err
    assert main(["check", str(p), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["message_zh"].startswith("数量为负")


# ------------------------------------------------------------------ static: no call without Chinese

# call name → index of the positional argument that holds the Chinese wording
CALLS = {"add": 4, "add_rows": 4, "CellError": 4, "_cell": 3, "bad_rows": 3, "_Bad": 2, "choice": 3}


def _chinese(arg: ast.AST) -> bool:
    """A literal / f-string / expression with CJK text, or a variable that carries the Chinese (…_zh)."""
    if isinstance(arg, (ast.Name, ast.Attribute)):
        name = arg.id if isinstance(arg, ast.Name) else arg.attr
        return name.endswith("_zh")
    return bool(CJK.search(ast.unparse(arg)))


def _error_calls(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if isinstance(fn, ast.Attribute):
            if fn.attr == "add" and not (isinstance(fn.value, ast.Name) and fn.value.id == "errors"):
                continue  # set.add, sums.add …
            name = fn.attr
        else:
            name = getattr(fn, "id", "")
        if name in CALLS:
            yield node


@pytest.mark.parametrize("module", [columns, importer, inventory])
def test_every_error_call_passes_a_chinese_wording(module):
    """Also the branches the scenarios do not reach."""
    calls = list(_error_calls(module))
    assert len(calls) >= 5
    for c in calls:
        name = c.func.attr if isinstance(c.func, ast.Attribute) else c.func.id
        ok = any(k.arg in ("message_zh", "zh") for k in c.keywords) or any(_chinese(a) for a in c.args[CALLS[name]:])
        assert ok, f"{module.__name__}:{c.lineno}: {ast.unparse(c)[:140]}"
