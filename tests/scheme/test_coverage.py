"""`tancert rules` (tancert.scheme.coverage) on a small fake tree and on the real one (no database)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tancert.scheme import coverage, proof
from tancert.scheme.rulebook import RULES, all_keys

ACTIONS = '''\
from tancert.scheme.violations import RuleViolation, require


def submit_application(app):
    if app.late:
        raise RuleViolation("R7.2-deadline", "late", field="submitted_at")


def upload_document(code, ok):
    require(ok, f"R7.1-{code}", "bad document", field="code")


def review(app):
    # enforces: R7.2-review
    # (the review record is checked by the helper)
    check(app)


class Suspender:
    def suspend(self, trigger):
        require(bool(trigger), f"R9.2-{trigger}", "reason needed")
        require(trigger, "R7.2-dealine", "typo in the key")


def forward(ok, key):
    require(ok, key, "a helper passes its caller's key on")


def opaque(meta):
    raise RuleViolation(meta.key, "computed key, no marker")


def opaque_marked(meta):
    raise RuleViolation(meta.key, "computed key")  # enforces: R4.CPD
'''

FINDINGS = '''\
FINDINGS = [{"rule": "R6.2-tiers", "text": "a lower data class without a reason"}]
'''

TESTS = '''\
import pytest

KEYS = ["R9.2-T1", "R9.2-T2"]


def helper():
    return "R7.3.2"


def test_deadline():
    with pytest.raises(Exception) as e:
        raise_it()
    assert e.value.key == "R7.2-deadline"


@pytest.mark.parametrize("code", ["D1", pytest.param("D2", id="licence")])
def test_document(code):
    assert key_of(code) == f"R7.1-{code}"


@pytest.mark.parametrize("key", KEYS)
def test_trigger(key):
    assert key


class TestSuspend:
    def test_body(self):
        body = {}
        assert body["rule"] == "R9.2-suspend"

    def helper(self):
        return "R8.1-programme"
'''


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(tmp_path, "tancert/__init__.py", "")
    _write(tmp_path, "tancert/clients/actions.py", ACTIONS)
    _write(tmp_path, "tancert/ghg/findings.py", FINDINGS)
    # Excluded from the code scan: the rule book names every key, migrations are generated.
    _write(tmp_path, "tancert/scheme/rulebook.py", 'X = "R8.2.1"\n')
    _write(tmp_path, "tancert/clients/migrations/0001_initial.py", 'X = "R8.2.2-F1"\n')
    _write(tmp_path, "tancert/web/listing.py", '# rules-coverage: skip-file\nALL = ["R10-time"]\n')
    _write(tmp_path, "tests/clients/test_actions.py", TESTS)
    # Excluded from the test scan: the rule book's own tests name keys without triggering them.
    _write(tmp_path, "tests/scheme/test_rulebook.py", 'def test_rule():\n    assert "R8.1.1-extra"\n')
    _killed_everywhere(tmp_path)
    return tmp_path


def _killed_everywhere(root: Path) -> None:
    """A committed mutation run that killed every key under its current fingerprint."""
    prints = proof.fingerprints(coverage.build_report(root, mutation={}), root)
    proof.save(root / proof.FILE, {k: {"mutation": "killed", "fingerprint": f} for k, f in prints.items()})


@pytest.fixture
def report(tree: Path) -> dict:
    return coverage.build_report(tree)


def _row(report: dict, key: str) -> dict:
    return next(r for r in report["keys"] if r["key"] == key)


def _status(report: dict, key: str) -> str:
    return _row(report, key)["status"]


def test_expand_generated_is_precise():
    keys = list(RULES)
    assert coverage.expand_generated("R7.1-", "", keys) == [f"R7.1-C{i}" for i in range(1, 6)] + [
        f"R7.1-D{i}" for i in range(1, 12)]
    assert coverage.expand_generated("R9.2-", "", keys) == ["R9.2-T1", "R9.2-T2", "R9.2-T3", "R9.2-T4"]
    assert coverage.expand_generated("R9.1-", "", keys) == [f"R9.1-{c}" for c in "abcdefgh"]
    assert coverage.expand_generated("R7.1-D", "", keys) == [f"R7.1-D{i}" for i in range(1, 12)]
    assert coverage.expand_generated("R", "", keys) == []  # f"R{n}" is no key family
    assert "R7.4.1-S1-offsite" not in coverage.expand_generated("R7.4.1-", "", keys)


def test_statuses(report):
    assert _status(report, "R7.2-deadline") == "enforced+tested"
    assert _status(report, "R7.1-D1") == "enforced+tested"  # generated site, parametrized test
    assert _status(report, "R7.1-D2") == "enforced+tested"  # via pytest.param
    assert _status(report, "R7.1-D3") == "enforced, untested"
    assert _status(report, "R7.1-C1") == "enforced, untested"
    assert _status(report, "R9.2-T1") == "enforced+tested"  # parametrize list held in a module constant
    assert _status(report, "R9.2-T3") == "enforced, untested"
    assert _status(report, "R9.2-validity") == "not enforced yet"  # not a placeholder-shaped suffix
    assert _status(report, "R9.2-suspend") == "tested only"
    assert _status(report, "R7.2-review") == "enforced, untested"  # the marker above the call
    assert _status(report, "R4.CPD") == "enforced, untested"  # inline marker
    assert _status(report, "R6.2-tiers") == "enforced, untested"  # GHG finding data
    assert _status(report, "R8.2.1") == "not enforced yet"  # only in the (excluded) rule book
    assert _status(report, "R8.2.2-F1") == "not enforced yet"  # only in a migration
    assert _status(report, "R10-time") == "not enforced yet"  # file opted out
    assert _status(report, "R8.1.1-extra") == "not enforced yet"  # only in test_rulebook.py
    assert _status(report, "R7.3.2") == "not enforced yet"  # a helper, not a test, names it
    assert _status(report, "R8.1-programme") == "not enforced yet"  # a non-test method names it
    assert _status(report, "R1") == "informative"  # a section
    assert _status(report, "R7.2") == "informative"  # a heading with sub-rules
    assert _row(report, "R7.2")["informative"] and not _row(report, "R7.2-deadline")["informative"]
    assert sum(report["summary"].values()) == len(RULES)


def test_sites_name_file_line_function_and_generation(report):
    [deadline] = _row(report, "R7.2-deadline")["enforced_by"]
    assert deadline == {"file": "tancert/clients/actions.py", "line": 6,
                        "function": "clients.actions.submit_application", "generated": False, "kind": "raise"}
    [doc] = _row(report, "R7.1-D5")["enforced_by"]
    assert (doc["line"], doc["function"], doc["generated"]) == (10, "clients.actions.upload_document", True)
    [trigger] = _row(report, "R9.2-T4")["enforced_by"]
    assert trigger["function"] == "clients.actions.Suspender.suspend" and trigger["generated"]
    [marker] = _row(report, "R7.2-review")["enforced_by"]
    assert (marker["line"], marker["function"], marker["kind"]) == (16, "clients.actions.review", "marker")
    [finding] = _row(report, "R6.2-tiers")["enforced_by"]
    assert (finding["file"], finding["function"], finding["kind"]) == ("tancert/ghg/findings.py", "ghg.findings",
                                                                       "constant")


def test_tested_by_node_ids(report):
    assert _row(report, "R7.2-deadline")["tested_by"] == ["tests/clients/test_actions.py::test_deadline"]
    assert _row(report, "R9.2-T2")["tested_by"] == ["tests/clients/test_actions.py::test_trigger"]
    assert _row(report, "R9.2-suspend")["tested_by"] == ["tests/clients/test_actions.py::TestSuspend::test_body"]
    assert _row(report, "R7.1-D3")["tested_by"] == []


def test_unknown_and_unresolved_are_reported(report):
    assert [(u["key"], u["line"]) for u in report["unknown_keys"]] == [("R7.2-dealine", 22)]
    # forward() passes its parameter on; opaque_marked() has a marker: only opaque() is unresolved.
    assert [u["function"] for u in report["unresolved"]] == ["clients.actions.opaque"]


def test_json_output(tree, capsys):
    assert coverage.main(["--root", str(tree), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"generated_at", "keys", "summary"} <= set(data)
    assert [k["key"] for k in data["keys"]] == list(all_keys())
    row = data["keys"][0]
    assert {"key", "clause", "title_zh", "title_en", "status", "enforced_by", "tested_by"} <= set(row)
    assert set(data["summary"]) == set(coverage.STATUSES)
    generated = [s for k in data["keys"] for s in k["enforced_by"] if s["generated"]]
    assert generated and {"file", "line", "function", "generated"} <= set(generated[0])


def test_table_output(tree, capsys):
    assert coverage.main(["--root", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "== R7  认证程序和要求" in out and "informative" in out.splitlines()[1].lower()
    line = next(x for x in out.splitlines() if x.startswith("R7.2-deadline "))
    assert "enforced+tested" in line and "clients.actions.submit_application:6" in line


def test_write_check_round_trip_and_staleness(tree, tmp_path, capsys):
    doc = tmp_path / "out" / "rules.md"
    assert coverage.main(["--root", str(tree), "--write", str(doc)]) == 0
    first = doc.read_text(encoding="utf-8")
    assert "R7.2-deadline" in first and "在 3 个工作日内发出受理或不予受理通知" in first
    assert "Acceptance decision within 3 working days" in first and "## 汇总 / Summary" in first
    assert "generated_at" not in first
    assert coverage.main(["--root", str(tree), "--check", str(doc)]) == 0

    # Deterministic: writing again gives the same bytes.
    assert coverage.main(["--root", str(tree), "--write", str(doc)]) == 0
    assert doc.read_text(encoding="utf-8") == first

    # New code cites a key: the document is stale until rewritten.
    _write(tree, "tancert/records/actions.py",
           'from x import require\n\ndef keep(ok):\n    require(ok, "RR-retention", "keep it")\n')
    capsys.readouterr()
    assert coverage.main(["--root", str(tree), "--check", str(doc)]) == 1
    out = capsys.readouterr().out
    assert "stale" in out and "--write" in out and "records.actions.keep" in out
    assert coverage.main(["--root", str(tree), "--write", str(doc)]) == 0
    assert coverage.main(["--root", str(tree), "--check", str(doc)]) == 0

    # A hand edit or a missing file is stale too.
    doc.write_text(first + "edited\n", encoding="utf-8")
    assert coverage.main(["--root", str(tree), "--check", str(doc)]) == 1
    assert coverage.main(["--root", str(tree), "--check", str(tmp_path / "missing.md")]) == 1


def test_moving_code_does_not_make_the_document_stale(tree, tmp_path):
    doc = tmp_path / "rules.md"
    coverage.main(["--root", str(tree), "--write", str(doc)])
    path = tree / "tancert/clients/actions.py"
    path.write_text("\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert coverage.main(["--root", str(tree), "--check", str(doc)]) == 0


def test_root_without_package_is_an_error(tmp_path):
    assert coverage.main(["--root", str(tmp_path)]) == 2


def test_real_tree_lists_every_key(capsys):
    assert coverage.main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [k["key"] for k in data["keys"]] == list(all_keys())
    assert all(k["status"] in coverage.STATUSES for k in data["keys"])
    assert all(k["enforced_by"] for k in data["keys"] if k["status"].startswith("enforced"))
    assert sum(data["summary"].values()) == len(RULES)


def test_a_key_counts_as_tested_only_when_killed_under_its_current_fingerprint(tree, capsys):
    assert _status(coverage.build_report(tree), "R7.2-deadline") == "enforced+tested"
    assert coverage.main(["--root", str(tree), "--check-mutation"]) == 0
    results = proof.load(tree)
    results["R7.2-deadline"]["mutation"] = "survived"
    proof.save(tree / proof.FILE, results)
    assert _status(coverage.build_report(tree), "R7.2-deadline") == "enforced, mutant survived"
    results["R7.2-deadline"]["mutation"] = "killed"
    proof.save(tree / proof.FILE, results)
    # The check changes (moving code around does not): the committed result is stale.
    path = tree / "tancert/clients/actions.py"
    path.write_text(path.read_text(encoding="utf-8").replace('if app.late:', 'if app.late or app.later:'),
                    encoding="utf-8")
    report = coverage.build_report(tree)
    assert _row(report, "R7.2-deadline")["mutation"] == "stale"
    assert _status(report, "R7.2-deadline") == "enforced, unproven"
    capsys.readouterr()
    assert coverage.main(["--root", str(tree), "--check-mutation"]) == 1
    assert "R7.2-deadline" in capsys.readouterr().out
    assert proof.stale(report, tree) == ["R7.2-deadline"]
    # So does a change of one of its tests; text outside the key's functions does not.
    _killed_everywhere(tree)
    test = tree / "tests/clients/test_actions.py"
    test.write_text(test.read_text(encoding="utf-8") + "\n\n# a comment\n", encoding="utf-8")
    assert coverage.main(["--root", str(tree), "--check-mutation"]) == 0
    test.write_text(test.read_text(encoding="utf-8").replace('assert e.value.key == "R7.2-deadline"',
                                                             'assert e.value.key == "R7.2-deadline", "key"'),
                    encoding="utf-8")
    assert coverage.main(["--root", str(tree), "--check-mutation"]) == 1
