"""The rule book against the scheme texts it is built from (no database needed)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from tancert.scheme import rulebook
from tancert.scheme.rulebook import (
    APPLICATION_DOCUMENTS,
    BASE_AUDITOR_DAYS,
    CERTIFICATE_FIELDS,
    DECISION_CONDITIONS,
    FOCUS_ITEMS,
    OFFSITE_CONDITIONS,
    RULES,
    SUSPENSION_TRIGGERS,
    TECHNICAL_AREAS,
    all_keys,
    children,
    clause_tree,
    focus_clause_map,
    rule,
)

SCHEME_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "scheme"
EN_FILE = SCHEME_DIR / "CEC-7048CMS-A2.en.md"
ZH_FILE = SCHEME_DIR / "CEC-7048CMS-A2.zh.txt"

# A key where the rendering defines it: "[KEY]" followed by whitespace or the end of the line.
# Cross-references such as "[R9.1-d]." or "[R9.2-validity];" are followed by punctuation.
KEY_RE = re.compile(r"\[(R[A-Za-z0-9.\-]*)\]")
DEFINITION_RE = re.compile(r"\[(R[A-Za-z0-9.\-]*)\](?=\s|$)")

needs_scheme = pytest.mark.skipif(
    not (EN_FILE.is_file() and ZH_FILE.is_file()),
    reason=f"scheme texts not found in {SCHEME_DIR} (the shared folder beside the repository)",
)


def _nows(text: str) -> str:
    """Whitespace normalisation: the zh original breaks lines and spaces freely."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def en_text() -> str:
    return EN_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def zh_text() -> str:
    return ZH_FILE.read_text(encoding="utf-8")


# --- keys --------------------------------------------------------------------------------------


@needs_scheme
def test_every_key_of_the_rendering_is_a_rule_and_vice_versa(en_text):
    in_rendering = set(KEY_RE.findall(en_text))
    assert in_rendering, "no keys found in the English rendering"
    scheme = set(rulebook.scheme_keys())
    assert in_rendering - scheme == set(), "keys of the rendering missing from the rule book"
    assert scheme - in_rendering == set(), "rule book keys that the rendering does not have"
    assert set(RULES) - scheme == {k for k in RULES if rulebook.is_duty(k)}


@needs_scheme
def test_rules_are_in_document_order(en_text):
    defined = list(dict.fromkeys(DEFINITION_RE.findall(en_text)))
    assert list(rulebook.scheme_keys()) == defined
    assert all_keys()[:len(defined)] == tuple(defined)  # the body's duties (CB…) follow the scheme


def test_rules_json_has_no_duplicate_keys():
    data = json.loads(rulebook.RULES_FILE.read_text(encoding="utf-8"))
    keys = [r["key"] for r in data["rules"]]
    duties = [r["key"] for r in json.loads(rulebook.DUTIES_FILE.read_text(encoding="utf-8"))["rules"]]
    assert len(keys) == len(set(keys)) == len(rulebook.scheme_keys())
    assert len(keys) + len(duties) == len(set(keys) | set(duties)) == len(RULES)
    assert all(rulebook.is_duty(k) for k in duties)


def test_rule_fields_are_filled():
    for r in RULES.values():
        assert r.clause and r.title_en and r.title_zh and r.text_en and r.source_zh, r.key
        assert len(r.title_en) <= 80, r.key
        assert re.search(r"[\u4e00-\u9fff]", r.title_zh), r.key
        assert r.reading is None or r.reading.strip(), r.key


def test_parents_exist_and_come_first():
    keys = list(RULES)
    for r in RULES.values():
        if r.parent is not None:
            assert r.parent in RULES, r.key
            assert keys.index(r.parent) < keys.index(r.key), r.key


@pytest.mark.parametrize(
    ("key", "parent"),
    [
        ("R7.4.1-O1", "R7.4.1-S1-offsite"),
        ("R9.2-T1", "R9.2-suspend"),
        ("R7.5.2-C1", "R7.5.2"),
        ("R6.3-default", "R6.3-review"),
        ("R8.1.3-F5", "R8.1.3"),
        ("R1", None),
        ("RT", None),
    ],
)
def test_parent_examples(key, parent):
    assert rule(key).parent == parent


@pytest.mark.parametrize(
    ("key", "clause"),
    [
        ("R1", "1"),
        ("R7.2-deadline", "7.2"),
        ("R7.4.1-O3", "7.4.1"),
        ("R9.1-d", "9.1"),
        ("RT-valid", "8*"),
        ("RR-retention", "9*"),
        ("RA", "A"),
        ("RB", "B"),
    ],
)
def test_clause_examples(key, clause):
    assert rule(key).clause == clause


def test_readings_where_the_rendering_has_them():
    with_reading = {k for k, r in RULES.items() if r.reading and not rulebook.is_duty(k)}
    assert with_reading == {"R7.5.1", "R7.5.2", "R9.3", "RB"}
    assert "7.4.2" in rule("R7.5.1").reading
    assert "three years" in rule("R9.3").reading


@needs_scheme
def test_text_en_comes_from_the_rendering(en_text):
    flat = re.sub(r"\s+", " ", en_text.replace("**", ""))
    for key in ("R7.2-deadline", "R9.2-validity", "R7.4.1-O3", "R10-time", "RT-valid"):
        assert rule(key).text_en in flat, key


# --- Chinese sources ------------------------------------------------------------------------------


@needs_scheme
def test_every_source_zh_is_verbatim(zh_text):
    zh = _nows(zh_text)
    bad = []
    for r in RULES.values():
        if rulebook.is_duty(r.key):
            continue  # the body's duties state 17021-1 in Chinese; they quote no scheme text
        parts = r.source_zh_parts
        assert parts, r.key
        assert " ".join(parts) == r.source_zh, r.key
        bad += [(r.key, p) for p in parts if _nows(p) not in zh]
    assert bad == [], "source_zh parts not found verbatim in the zh original"


@needs_scheme
def test_sources_pin_down_key_numbers(zh_text):
    assert "3 个工作日" in rule("R7.2-deadline").source_zh
    assert "12个月" in rule("R8.1.1-interval").source_zh
    assert "有效期三年" in rule("R9.2-validity").source_zh
    assert "80%" in rule("R10-time").source_zh
    assert "90 天" in rule("R9.3-renewal").source_zh
    assert "4 人日" in rule("R7.3.3").source_zh
    assert "温室气体管理师" in rule("R7.3.2").source_zh


# --- lookup ------------------------------------------------------------------------------------


def test_rule_lookup_and_helpful_error():
    assert rule("R7.2-deadline").key == "R7.2-deadline"
    with pytest.raises(KeyError) as exc:
        rule("R7.2-dedline")
    assert "R7.2-deadline" in str(exc.value)
    with pytest.raises(KeyError, match="unknown rule key"):
        rule("nonsense")


def test_rules_are_immutable():
    r = rule("R1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.key = "X"  # type: ignore[misc]
    with pytest.raises(TypeError):
        RULES["X"] = r  # type: ignore[index]


def test_children():
    assert [r.key for r in children("R7.5.2")] == [f"R7.5.2-C{i}" for i in range(1, 5)]
    assert [r.key for r in children("R7.4.1-S1-offsite")] == ["R7.4.1-O1", "R7.4.1-O2", "R7.4.1-O3"]


# --- tables ------------------------------------------------------------------------------------


@needs_scheme
def test_twenty_one_technical_areas(zh_text):
    assert list(TECHNICAL_AREAS) == list(range(1, 22))
    zh = _nows(zh_text)
    for area in TECHNICAL_AREAS.values():
        assert _nows(area.source_zh) in zh, area.code
        assert area.name_en
        if area.correction is None:
            assert area.name_zh == area.source_zh
    assert TECHNICAL_AREAS[1].name_zh == "电能和热能的生产和输配"
    assert TECHNICAL_AREAS[21].name_zh == "其他"


def test_base_auditor_days():
    assert dict(BASE_AUDITOR_DAYS) == {"initial": 4, "surveillance": 2, "recertification": 3}


def test_eleven_application_documents():
    assert [d.code for d in APPLICATION_DOCUMENTS] == [f"D{i}" for i in range(1, 12)]
    assert [d.key for d in APPLICATION_DOCUMENTS] == [f"R7.1-D{i}" for i in range(1, 12)]
    assert [d.code for d in APPLICATION_DOCUMENTS if d.dated] == ["D5"]
    for d in APPLICATION_DOCUMENTS:
        assert d.name_zh and d.name_en and d.rule.key == d.key


@needs_scheme
def test_document_names_follow_the_zh_text(zh_text):
    zh = _nows(zh_text)
    for d in APPLICATION_DOCUMENTS:
        if d.code != "D5":  # D5 is composed from the system's name and the list's name
            assert _nows(d.name_zh) in zh, d.code
    assert "严重违法企业名单" in APPLICATION_DOCUMENTS[4].name_zh


def test_offsite_conditions():
    assert [c.key for c in OFFSITE_CONDITIONS] == ["R7.4.1-O1", "R7.4.1-O2", "R7.4.1-O3"]
    assert [c.code for c in OFFSITE_CONDITIONS] == ["O1", "O2", "O3"]
    assert "连续三年" in OFFSITE_CONDITIONS[2].text_zh


def test_focus_items_by_audit_type():
    assert list(FOCUS_ITEMS) == ["initial", "surveillance", "recertification"]
    assert [len(FOCUS_ITEMS[t]) for t in FOCUS_ITEMS] == [9, 5, 4]
    assert [f.key for f in FOCUS_ITEMS["initial"]] == [f"R7.4.2-F{i}" for i in range(1, 10)]
    assert [f.key for f in FOCUS_ITEMS["surveillance"]] == [f"R8.1.3-F{i}" for i in range(1, 6)]
    assert [f.key for f in FOCUS_ITEMS["recertification"]] == [f"R8.2.2-F{i}" for i in range(1, 5)]
    for items in FOCUS_ITEMS.values():
        for f in items:
            assert f.text_zh == rule(f.key).source_zh and f.text_en == rule(f.key).text_en


def test_decision_conditions_and_suspension_triggers():
    assert [c.code for c in DECISION_CONDITIONS] == ["C1", "C2", "C3", "C4"]
    assert [t.code for t in SUSPENSION_TRIGGERS] == ["T1", "T2", "T3", "T4"]
    assert "处罚" in DECISION_CONDITIONS[3].text_zh
    assert "履约" in SUSPENSION_TRIGGERS[1].text_zh


def test_certificate_fields_a_to_h():
    assert [f.code for f in CERTIFICATE_FIELDS] == list("abcdefgh")
    assert [f.field for f in CERTIFICATE_FIELDS] == [
        "number",
        "organisation_name_address",
        "scope",
        "criterion_version",
        "issue_and_validity",
        "body_name_address",
        "surveillance_status",
        "other",
    ]
    for f in CERTIFICATE_FIELDS:
        assert f.label_zh in rule(f.key).source_zh, f.key


# --- clause tree of T/CCAA 39-2022 ----------------------------------------------------------------


def test_clause_tree_top_level_clauses():
    tree = clause_tree()
    assert tree.standard == "T/CCAA 39-2022"
    assert tree.version == rulebook.DEFAULT_CLAUSE_TREE_VERSION
    assert [c.number for c in tree.top_level()] == ["4", "5", "6", "7", "8", "9", "10"]
    assert tree.clause("9.1.2").parent == "9.1"
    assert [c.number for c in tree.children("6")] == ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6"]


def test_clause_tree_is_consistent():
    tree = clause_tree()
    numbers = tree.numbers()
    assert len(numbers) == len(set(numbers))
    for c in tree.clauses:
        assert c.status in {"inferred", "confirmed-term"}, c.number
        assert c.title_zh and c.title_en, c.number
        if c.parent is not None:
            assert c.parent in numbers and c.number.startswith(c.parent + "."), c.number
        assert (c.status == "confirmed-term") == bool(c.scheme_terms), c.number


@needs_scheme
def test_confirmed_terms_appear_in_the_scheme(zh_text):
    for c in clause_tree().clauses:
        for term in c.scheme_terms:
            assert term in zh_text, (c.number, term)


def test_focus_mapping_points_at_existing_clauses():
    tree = clause_tree()
    fmap = focus_clause_map()
    every_focus = [f.key for items in FOCUS_ITEMS.values() for f in items]
    assert set(fmap) == set(every_focus)
    for key, numbers in fmap.items():
        assert numbers, key
        for n in numbers:
            tree.clause(n)
    assert fmap["R7.4.2-F1"] == ("4.2", "6.1", "9.1.2")
    assert fmap["R7.4.2-F2"] == ("4", "5", "6", "7", "8", "9", "10")
    assert all(tree.focus_clause_basis[f"R7.4.2-F{i}"] == "reference-seed" for i in range(1, 10))


def test_unknown_clause_tree_version():
    with pytest.raises(KeyError, match="available"):
        clause_tree("official-1999")
