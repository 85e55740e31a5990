"""`tancert ghg` command: exit codes 0/1/2, JSON shape, factor search, PDF report."""

import json
import shutil
import subprocess
import sys

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
                                "message": "unknown unit: unit 'parsec': unit of dimension [length] is not used by the engine"}
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
