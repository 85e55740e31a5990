"""The engine's PDF report keeps every word on the page, whatever the length of a name."""

import json
import re
import shutil
import subprocess

import pytest

from tancert.ghg.cli import main
from tancert.ghg.example import example_dataset
from tancert.ghg.report import bar_chart

MARGIN_PT = 15 / 25.4 * 72  # @page margin 15 mm


def _long_names() -> dict:
    d = example_dataset()
    names = {"S1": ("锅炉房一号燃气锅炉及其附属燃烧器与余热回收装置" * 10)[:200],
             "S4": ("LimestoneCalcinationKilnLine" * 10)[:200]}
    for r in d["activity"] + d["sources"]:
        r["source_id"] = names.get(r["source_id"], r["source_id"])
    for r in d["activity"]:
        r["facility"] = ("PlantAWithAVeryLongNameWithoutSpaces" * 8)[:200]
    return d


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler pdftotext not installed")
def test_200_character_names_stay_inside_the_page(tmp_path):
    src = tmp_path / "long.json"
    src.write_text(json.dumps(_long_names(), ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    assert main(["check", str(src), "--report", str(pdf)]) == 2
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert pages
    outside = []
    for width, _, body in pages:
        for x0, x1, word in re.findall(r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">(.*?)</word>',
                                       body):
            if float(x0) < MARGIN_PT - 1 or float(x1) > float(width) - MARGIN_PT + 1:
                outside.append((round(float(x0)), round(float(x1)), word[:30]))
    assert not outside, outside[:10]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "LimestoneCalcinationKilnLine" in text.replace("\n", "")


def test_chart_labels_wrap_inside_the_label_column():
    label = ("锅炉房一号燃气锅炉及其附属燃烧器与余热回收装置" * 10)[:200]
    svg = bar_chart([(label, 10.0), ("S2", 5.0)])
    texts = re.findall(r'<text x="([\d.-]+)"[^>]*>([^<]*)</text>', svg)
    label_lines = [t for x, t in texts if float(x) < 200]
    assert len(label_lines) >= 2 and all(float(x) >= 0 for x, _ in texts)
    assert all(len(t) * 11 <= 196 for t in label_lines)  # a CJK character is one em (11 px) wide
    assert label_lines[-2].endswith("…") or len(label_lines) <= 3
