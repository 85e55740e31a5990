"""The catalogue of quantification standards per level and the R5.b–d checks (pure, scheme/levels.py)."""

from __future__ import annotations

import pytest

from tancert.scheme import levels
from tancert.scheme.violations import RuleViolation

GOOD = {"product": ("gbt24067", ""), "project": ("iso14064-2", ""), "activity": ("mee-event-guide", "")}



@pytest.mark.parametrize("level,key", [("product", "R5.b"), ("project", "R5.c"), ("activity", "R5.d")])
def test_a_level_without_its_standard_is_refused_with_its_key(level, key):
    with pytest.raises(RuleViolation) as info:
        levels.check(level, "", "", ["甲"])
    assert (info.value.key, info.value.field) == (key, f"{level}_standard")
    with pytest.raises(RuleViolation) as info:  # another level's standard is not this level's
        levels.check(level, "iso14067" if level != "product" else "iso14064-2", "", ["甲"])
    assert info.value.key == key


@pytest.mark.parametrize("level,key", [("product", "R5.b"), ("project", "R5.c"), ("activity", "R5.d")])
def test_a_level_without_what_it_covers_is_refused_with_its_key(level, key):
    standard, name = GOOD[level]
    for covers in ([], "", "\n  \n", ["  "]):
        with pytest.raises(RuleViolation) as info:
            levels.check(level, standard, name, covers)
        assert (info.value.key, info.value.field) == (key, f"{level}_covers")
        assert info.value.message_zh != info.value.message_en
    with pytest.raises(RuleViolation) as info:
        levels.check(level, standard, name, ["甲", "甲"])
    assert info.value.key == key
    with pytest.raises(RuleViolation) as info:
        levels.check(level, standard, name, [f"项{i}" for i in range(levels.MAX_COVERS + 1)])
    assert info.value.key == key
    with pytest.raises(RuleViolation) as info:
        levels.check(level, standard, name, ["长" * (levels.MAX_TEXT + 1)])
    assert info.value.key == key


@pytest.mark.parametrize("level,standard,name,key", [
    ("product", "national", "", "R5.b"), ("project", "methodology", " ", "R5.c"), ("activity", "group", "", "R5.d")])
def test_a_named_standard_must_be_named(level, standard, name, key):
    with pytest.raises(RuleViolation) as info:
        levels.check(level, standard, name, ["甲"])
    assert (info.value.key, info.value.field) == (key, f"{level}_standard_name")


@pytest.mark.parametrize("level,standard,name,key", [
    ("product", "national", "DB44/T 2639-2025 地方标准", "R5.b"),
    ("product", "local", "GB/T 24067-2024 温室气体 产品碳足迹", "R5.b"),
    ("product", "industry", "GB/T 24067-2024", "R5.b"),
    ("activity", "group", "团体标准 大型活动碳中和", "R5.d"),
    ("activity", "local", "T/CCAA 39-2022", "R5.d"),
    ("product", "national", "长" * 201, "R5.b"),
])
def test_a_named_standard_has_the_designation_of_its_kind(level, standard, name, key):
    with pytest.raises(RuleViolation) as info:
        levels.check(level, standard, name, ["甲"])
    assert (info.value.key, info.value.field) == (key, f"{level}_standard_name")


@pytest.mark.parametrize("level,standard,name", [
    ("product", "national", "GB/T 24067-2024 温室气体 产品碳足迹 量化要求和指南"),
    ("product", "national", "ＧＢ／Ｔ　24067-2024 全角输入"),
    ("product", "industry", "HJ 1234-2024 某产品碳足迹"),
    ("product", "industry", "sh/t 1234-2024 小写输入"),
    ("activity", "local", "DB44/T 2639-2025 大型活动碳中和实施指南"),
    ("activity", "group", "T/CCAA 39-2022 碳管理体系 要求"),
    ("project", "methodology", "CCER-01-002-V01 并网海上风力发电"),
])
def test_named_standards_in_the_right_shape_are_kept(level, standard, name):
    chosen = levels.check(level, standard, name, "甲项目\n\n  乙项目  \n")
    assert chosen.covers == ("甲项目", "乙项目")
    assert chosen.standard_name == levels.normalise(name)
    assert "／" not in chosen.standard_name


def test_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError):
        levels.check("organisation", "iso14064-1", "", ["甲"])


def test_every_catalogue_standard_names_its_source_and_confidence():
    cat = levels.catalogue()
    assert tuple(cat) == levels.ORDER
    for level in levels.OPTIONAL:
        assert cat[level].rule == levels.RULE[level]
        fixed = [s for s in cat[level].standards if not s.named]
        assert fixed, level
        for s in fixed:
            assert s.source and s.confidence in ("checked", "secondary"), s


def test_described_levels_read_in_chinese_and_english():
    org = levels.describe("organisation")
    product = levels.describe("product", "gbt24067", "", ["甲产品", "乙产品"])
    event = levels.describe("activity", "local", "DB44/T 2639-2025 大型活动碳中和实施指南", "年会")
    assert org["standard_zh"].startswith("ISO 14064-1") and org["covers"] == []
    assert product["standard_zh"] == "GB/T 24067-2024 温室气体 产品碳足迹 量化要求和指南"
    assert product["standard_en"].startswith("GB/T 24067-2024 Greenhouse gases")
    assert event["standard_zh"] == event["standard_en"] == "DB44/T 2639-2025 大型活动碳中和实施指南"
    assert levels.text_zh([org, product, event]) == (
        "组织层面（ISO 14064-1 或行业企业温室气体核算和报告指南）；产品层面（GB/T 24067-2024 温室气体 产品碳足迹 量化要求和指南）"
        "：甲产品、乙产品；活动层面（DB44/T 2639-2025 大型活动碳中和实施指南）：年会")
