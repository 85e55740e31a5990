"""Every data-quality finding carries a Chinese message_zh (RR-language: records and reports are
Chinese first) beside the English message; the engine's PDF report shows the Chinese one."""

import ast
import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import test_ghg_checks
import test_ghg_quality
from test_ghg_cli import good_json  # noqa: F401  (fixture)

from tancert.ghg import check, checks, quality
from tancert.ghg.findings import Findings

CJK = re.compile(r"[\u4e00-\u9fff]")


def _scenario_tests():
    """The rule tests of test_ghg_checks / test_ghg_quality that need no fixture: together they
    trigger every rule the checks can produce."""
    for mod in (test_ghg_checks, test_ghg_quality):
        for name, fn in vars(mod).items():
            if name.startswith("test_") and callable(fn) and not hasattr(fn, "pytestmark") \
                    and not inspect.signature(fn).parameters:
                yield fn


def test_every_finding_the_checks_produce_has_a_chinese_message(monkeypatch):
    seen = []
    real_init = Findings.__init__

    def init(self):
        real_init(self)
        seen.append(self)

    monkeypatch.setattr(Findings, "__init__", init)
    for fn in _scenario_tests():
        fn()
    blocks = [b for f in seen for b in f.blocks]
    rules = {b.rule for b in blocks}
    # every rule the checks cite was triggered by the scenarios
    assert {"R6.1-a", "R6.1-b", "R6.1-c", "R6.2-tiers", "R6.2-review", "R6.2-calibration", "R6.2-crosscheck",
            "R6.2-sampling", "R6.3-tiers", "R6.3-measured", "R6.3-default", "R6.3-review", "R6.3-sampling",
            "R5.a"} <= rules
    for b in blocks:
        assert b.message_zh and CJK.search(b.message_zh) and b.message_zh != b.message, (b.rule, b.message)
    # the iterated findings and the summary carry it too, with the per-row detail appended
    f = seen[-1]
    assert all(x["message_zh"] and CJK.search(x["message_zh"]) for x in f)
    assert all(s["message_zh"] for s in f.summary())
    detailed = [x for g in seen for x in g if x["rule"] == "R6.3-default"]
    assert detailed and all(x["message_zh"].endswith("）") for x in detailed)


def _calls(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("add", "add_mask", "add_lazy", "by_class") and node.args \
                    and isinstance(node.args[0], ast.Constant) and re.match(r"R\d", str(node.args[0].value)):
                yield node


@pytest.mark.parametrize("module", [checks, quality])
def test_every_check_call_passes_a_chinese_wording(module):
    """Also the branches the scenarios do not reach: every call that adds a finding passes message_zh."""
    calls = list(_calls(module))
    assert calls
    for c in calls:
        assert any(k.arg == "message_zh" for k in c.keywords), ast.unparse(c)[:120]


def test_engine_pdf_report_shows_the_chinese_finding_messages(good_json, tmp_path):  # noqa: F811
    from tancert.ghg.report import render_html, render_pdf

    result = check(good_json)
    html = render_html(result)
    zh = [s["message_zh"] for s in result.findings.summary()]
    assert zh and all(CJK.search(m) for m in zh)
    assert "抽样核查" in html and "量化方法" in html  # R6.2-sampling, R5.a in Chinese
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(result))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "抽样核查" in text and "量化方法" in text


def test_every_shipped_factor_has_a_chinese_name_and_source():
    """The report given to a client names each factor, document and clause in Chinese (ghg/sources_zh.py); a new
    table in ghg/data needs its names there too."""
    import re

    from tancert.ghg.library import default_library
    from tancert.ghg.sources_zh import factor_zh, source_zh

    codes = {"GB", "T"}  # GB/T 32150-2015: the standard's own code
    for f in default_library().factors:
        text = f"{factor_zh(f.id)} {source_zh(f.document, f.clause)}"
        assert not set(re.findall(r"[A-Za-z]{2,}", text)) - codes - {"CO", "CaCO", "MgCO", "CaMg", "FeCO", "NaHCO",
                                                                       "Na"}, (f.id, text)
    assert factor_zh("MEE-REPORTING-GRID/electricity:grid/EF/older") == "电网 排放因子 较早一期"
    assert source_zh("MEE/NBS Announcement 2024 No. 33", "regional grid table") == "生态环境部 国家统计局公告 2024年第33号 区域电网因子表"
