"""`tancert ghg` command: exit codes 0/1/2, JSON shape, factor search, PDF report."""

import json
import re
import shutil
import subprocess
import sys
import zlib

import pytest

from tancert.ghg.cli import main
from tancert.ghg.example import example_dataset


@pytest.fixture
def good_json(tmp_path):
    data = example_dataset()
    data["activity"] = [r for r in data["activity"] if r.get("meter_id") != "EM-02"]
    p = tmp_path / "good.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def test_check_json_shape_and_exit_zero(good_json, capsys):
    assert main(["check", str(good_json), "--json", "--monte-carlo", "500", "--seed", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("total_tco2e", "by_category", "by_gas", "by_facility", "by_source", "biogenic_co2_t", "uncertainty",
                "findings", "factors_used"):
        assert key in out
    assert set(out["findings"][0]) >= {"rule", "severity", "message", "sheet", "row"}
    assert out["uncertainty"]["monte_carlo"]["iterations"] == 500
    assert any(f["unverified"] for f in out["factors_used"])


def test_blocking_finding_exits_two(tmp_path, capsys):
    p = tmp_path / "ex.json"
    p.write_text(json.dumps(example_dataset(), ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(p)]) == 2
    out = capsys.readouterr().out
    assert "[R6.2-calibration] blocking" in out and "UNVERIFIED" in out


def test_bad_input_exits_one(tmp_path, capsys):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"settings": {"reporting_year": 2024}, "activity": [
        {"facility": "F", "source_id": "S", "period": "2024-01", "kind": "fuel", "activity": "natural_gas",
         "quantity": 1, "unit": "parsec"}]}), encoding="utf-8")
    assert main(["check", str(p), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0] == {"sheet": "活动数据 Activity", "row": 1, "column": "unit",
                                "message": "unknown unit: unit 'parsec': unit of dimension [length] is not used by the engine",
                                "message_zh": "未知的单位：单位 'parsec'：量纲为 [length] 的单位不被本引擎使用"}
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 1
    assert main(["nonsense"]) == 1


def test_factors_search_and_json(capsys):
    assert main(["factors", "--search", "STOICH"]) == 0
    out = capsys.readouterr().out
    assert "limestone" in out and "UNVERIFIED" in out
    assert main(["factors", "--search", "natural_gas", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["activity"] for r in rows} == {"fuel:natural_gas"} and all("confidence" in r for r in rows)


def test_template_and_pdf_report(tmp_path, good_json, capsys):
    xlsx = tmp_path / "t.xlsx"
    assert main(["template", str(xlsx)]) == 0 and xlsx.stat().st_size > 5000
    pdf = tmp_path / "r.pdf"
    assert main(["check", str(good_json), "--report", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdffonts"):  # poppler: the CJK font must be embedded (emb = yes)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "CJK" in fonts and " yes " in fonts
    if shutil.which("pdftotext"):
        assert "温室气体数据核查报告" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_module_entry_point_and_no_django():
    code = ("import sys, runpy; sys.argv=['x','factors','--search','SF6']; import tancert.ghg, tancert.ghg.cli, "
            "tancert.ghg.report, tancert.ghg.template; assert not any(m == 'django' or m.startswith('django.') "
            "for m in sys.modules), 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": "/usr/bin:/bin"})
    r = subprocess.run([sys.executable, "-m", "tancert.ghg.cli", "factors", "--search", "海南"], capture_output=True,
                       text=True, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 0 and "0.3648" in r.stdout


def test_no_source_file_mentions_django():
    from pathlib import Path

    import tancert.ghg as pkg

    for p in Path(pkg.__file__).parent.rglob("*.py"):
        src = p.read_text(encoding="utf-8")
        assert "import django" not in src and "from django" not in src, p


ISSUE_KEYS = {"total_tco2e", "by_category", "by_gas", "by_facility", "by_source", "biogenic_co2_t", "uncertainty",
              "findings", "factors_used"}


def test_json_keys_and_finding_fields_are_exactly_the_issues(good_json, capsys):
    """docs/ghg.md §5: the listed keys with those names; every finding exactly rule/severity/message/message_zh/sheet/row;
    both approaches give the 95 % interval per source and for the total."""
    assert main(["check", str(good_json), "--json", "--monte-carlo", "300"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert ISSUE_KEYS <= set(out)
    assert all(set(f) == {"rule", "severity", "message", "message_zh", "sheet", "row"} for f in out["findings"])
    assert all(f["severity"] in ("blocking", "warning", "info") for f in out["findings"])
    for approach in ("approach1", "monte_carlo"):
        u = out["uncertainty"][approach]
        assert set(u["total"]) == {"mean", "lower", "upper", "u_pct"}
        assert set(u["by_source"]) == set(out["by_source"])
        assert all(v["lower"] <= v["mean"] <= v["upper"] for v in u["by_source"].values())
    assert out["total_tco2e"] == pytest.approx(sum(out["by_category"].values()), rel=1e-12)
    assert all({"id", "value", "unit", "document", "clause", "confidence", "unverified"} <= set(f)
               for f in out["factors_used"])


def test_the_tancert_command_dispatches_ghg(good_json, tmp_path, capsys):
    from tancert.cli import main as tancert_main

    assert tancert_main(["ghg", "check", str(good_json), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_tco2e"] > 0
    assert tancert_main(["ghg", "check", str(tmp_path / "nothing.json")]) == 1


def test_report_has_category_source_and_trend_charts_in_chinese(good_json, tmp_path):
    """docs/ghg.md §5: the PDF has the tables and the charts — emissions by category and by source,
    trend vs baseline — in Chinese, with the unverified values marked."""
    from tancert.ghg import check
    from tancert.ghg.report import render_html

    result = check(good_json)
    html = render_html(result)
    assert html.count("<svg") >= 3
    for heading in ("按类别", "按排放源", "趋势与基准", "基准 ", "不确定性", "数据质量发现", "抽样", "使用的排放因子"):
        assert heading in html
    assert "⚠ 未核实" in html and "<table>" in html
    pdf = tmp_path / "r.pdf"
    assert main(["check", str(good_json), "--report", str(pdf)]) == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        for heading in ("按类别", "趋势与基准", "使用的排放因子"):
            assert heading in text
    streams = [zlib.decompressobj().decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", pdf.read_bytes(), re.S)
               if m[:1] == b"x"]
    content = b"".join(streams) + pdf.read_bytes()
    assert b"pdfaid:part" in content and b"FontFile" in content  # PDF/A (XMP metadata), fonts embedded


def test_notebook_api_of_the_docs(good_json):
    """The snippet of docs/ghg.md §6, as a notebook would run it."""
    from tancert.ghg import check, default_library, freeze, replay

    result = check(good_json, monte_carlo_iterations=500, seed=1)
    assert result.summary["total_tco2e"] > 0 and "1" in result.summary["by_category"]
    assert result.findings.summary() and result.uncertainty.total.u_pct > 0
    assert result.monte_carlo.iterations == 500
    assert any(s.startswith("[R7.5.1]") for s in result.performance.statements)
    tr = result.inventory.trace(0)
    assert tr["row"] and tr["parameters"] and tr["tco2e"] > 0
    assert set(result.to_json()) >= ISSUE_KEYS
    difference, _ = replay(freeze(result))
    assert difference is None
    lib = default_library()
    assert "广东" in lib.resolve("electricity:grid", "EF", year=2024, region="广东").reason
    assert lib.search("柴油") and lib.gwp("AR6", "SF6") > 20000


def test_missing_factor_is_bad_input_naming_sheet_row_column(tmp_path, capsys):
    """A factor the library cannot give (anthracite NCV: sources disagree) is bad input, exit 1,
    with the resolver's chain in the message — nothing is quantified partially."""
    p = tmp_path / "mf.json"
    p.write_text(json.dumps({"settings": {"reporting_year": 2024}, "activity": [
        rec_ for rec_ in ({"facility": "F", "source_id": "S", "period": "2024-01", "kind": "fuel",
                           "activity": "anthracite", "quantity": 1, "unit": "t"},
                          {"facility": "F", "source_id": "S", "period": "2024-02", "kind": "fuel",
                           "activity": "diesel", "quantity": 1, "unit": "t"})]}), encoding="utf-8")
    assert main(["check", str(p), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert "total_tco2e" not in out
    [err] = out["errors"]
    assert (err["sheet"], err["row"], err["column"]) == ("活动数据 Activity", 1, "ncv")
    assert err["message"].startswith("missing factor") and "20.304" in err["message"]
