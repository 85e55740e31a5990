"""`tancert footprint template|check|data` end to end on real workbooks: the worked example, exit codes
0 / 1 / 2, the JSON keys, errors located in Chinese and English, a hostile file, the PDF report."""

from __future__ import annotations

import json

import pytest
from python_calamine import CalamineWorkbook

from tancert.footprint.cli import main

KEYS = {"functional_unit", "total_kgco2e_per_unit", "by_stage", "by_process", "by_gas", "primary_data_share",
        "uncertainty", "findings", "factors_used"}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    path = tmp_path_factory.mktemp("fp") / "example.xlsx"
    assert main(["template", "--example", str(path)]) == 0
    return path


def test_template_has_bilingual_headers_and_lists(tmp_path):
    path = tmp_path / "blank.xlsx"
    assert main(["template", str(path)]) == 0
    wb = CalamineWorkbook.from_path(str(path))
    assert {"设置 Settings", "过程 Processes", "交换 Exchanges", "背景数据 Background", "代码 Lists"} <= set(wb.sheet_names)
    grid = wb.get_sheet_by_name("过程 Processes").to_python()
    assert grid[0][0].startswith("过程编号") and grid[1][0] == "process_id"
    lists = wb.get_sheet_by_name("代码 Lists").to_python()
    assert "exchange_types" in lists[0] and any("技术圈输入" in r for r in lists)


def test_example_checks_clean_with_the_json_keys(example, capsys):
    assert main(["check", str(example), "--json", "--monte-carlo", "200", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert KEYS <= set(out)
    assert out["functional_unit"]["unit"] == "t" and out["uncertainty"]["monte_carlo"]["iterations"] == 200
    assert all(f["rule"] for f in out["findings"])
    assert {f["id"] for f in out["factors_used"]} >= {"CN-ELEC-CF-2024", "CN-COMB-DIESEL"}
    used = {f["id"]: f for f in out["factors_used"]}
    assert used["CN-ELEC-CF-2024"]["value"] == 0.5777 and used["CN-ELEC-CF-2024"]["confidence"] == "secondary"
    assert out["allocation_sensitivity"]["applies"]


def test_blocking_finding_exits_2_with_report(example, tmp_path, capsys):
    import openpyxl

    wb = openpyxl.load_workbook(example)
    ws = wb["过程 Processes"]
    col = [c.value for c in ws[2]].index("data_type") + 1
    ws.cell(row=3, column=col, value="secondary")  # P1 is controlled: R6.3-pcf
    bad = tmp_path / "secondary.xlsx"
    wb.save(bad)
    pdf = tmp_path / "r.pdf"
    assert main(["check", str(bad), "--report", str(pdf)]) == 2
    out = capsys.readouterr().out
    assert "[R6.3-pcf] blocking" in out
    assert pdf.read_bytes().startswith(b"%PDF")


def test_input_errors_exit_1_located_in_chinese(example, tmp_path, capsys):
    import openpyxl

    wb = openpyxl.load_workbook(example)
    ws = wb["交换 Exchanges"]
    col = [c.value for c in ws[2]].index("amount") + 1
    ws.cell(row=3, column=col, value=-1.15)
    bad = tmp_path / "negative.xlsx"
    wb.save(bad)
    assert main(["check", str(bad), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "工作表 交换 Exchanges 第 3 行，列 amount" in err and "负数" in err
    assert main(["check", str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0]["row"] == 3 and out["errors"][0]["message_zh"]


def test_hostile_and_wrong_files_exit_1(tmp_path, capsys):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert main(["check", str(junk)]) == 1
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 1
    doc = tmp_path / "x.json"
    doc.write_text("[1, 2]")
    assert main(["check", str(doc)]) == 1
    assert main(["check", str(junk), "--monte-carlo", "0"]) == 1
    assert main(["data"]) == 0 and "CN-ELEC-CF-2023" in capsys.readouterr().out


def test_same_scores_as_bw2calc_on_a_tiny_system():
    """The benchmark (bench/footprint.py) compares large systems; this pins the matrix convention."""
    bc = pytest.importorskip("bw2calc")
    import numpy as np
    import scipy.sparse as sp

    from bench.footprint import bw2calc_scores, random_system, tancert_scores

    A, B, c, f = random_system(60, seed=3)
    ours = tancert_scores(A, B, c, f)[0]
    theirs = bw2calc_scores(bc, A, B, c, f)[0]
    assert sp.issparse(A) and np.allclose(ours, theirs, rtol=1e-9, atol=0)
