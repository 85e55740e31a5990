"""``tancert rules``: which rule keys of CEC-7048CMS-A/2 the code enforces and the tests exercise.

Stdlib only (no Django), so it runs in CI before any database or settings exist::

    python -m tancert.scheme.coverage                  # readable table, grouped by section
    python -m tancert.scheme.coverage --json           # machine-readable report
    python -m tancert.scheme.coverage --write docs/rules.md
    python -m tancert.scheme.coverage --check docs/rules.md   # exit 1 when the document is stale

What counts as *enforcing* a key (found with :mod:`ast` in ``tancert/**.py``; the rule book's own
data, ``rulebook.py``, this module and migrations are left out, the GHG engine is included):

* the key argument of ``RuleViolation(key, …)`` and ``require(cond, key, …)`` (or ``key=``);
* the first positional argument, ``key=`` or ``rule=`` of any other call when it is key-shaped;
* any string constant equal to a known key anywhere in a module (GHG findings are data such as
  ``{"rule": "R6.2-tiers"}``);
* an f-string such as ``f"R7.1-{code}"``: it is expanded to the known keys that start with the
  literal prefix and whose remainder is one placeholder-like token (``[A-Za-z]?\\d+`` or a single
  letter), e.g. R7.1-C1…C5 and R7.1-D1…D11; such sites are marked *generated*;
* a comment ``# enforces: KEY KEY …`` on the line of a call or on the line(s) just above it.

What counts as *testing* a key (``tests/**/test_*.py``): inside a ``test*`` function or a ``test*``
method of a ``Test*`` class, including its decorators (parametrize lists), a string constant equal
to a known key, a module-level name whose value holds such constants, or an f-string whose single
placeholder is a parametrized argument that yields a known key.

Nothing pretends: a key is shown as enforced only when a site was found.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import json
import re
import sys
import tokenize
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tancert
from tancert.scheme import proof, rulebook

DEFAULT_ROOT = Path(tancert.__file__).resolve().parent.parent

# Paths (relative to the root, POSIX) never scanned for enforcement: the rule book itself names
# every key as data, and this module names keys in its own documentation.
CODE_EXCLUDES = ("tancert/scheme/data", "tancert/scheme/rulebook.py", "tancert/scheme/coverage.py")
# Tests of the rule book and of this tool name keys without triggering them.
TEST_EXCLUDES = ("tests/scheme/test_rulebook.py", "tests/scheme/test_coverage.py")
# Any other file can opt out with this comment (e.g. a fixture module listing every key).
SKIP_FILE_MARKER = "# rules-coverage: skip-file"

# "enforced+tested" only with a current mutation result "killed" (scheme/proof.py, docs/mutation.json).
STATUSES = ("enforced+tested", "enforced, mutant survived", "enforced, unproven", "enforced, untested",
            "tested only", "not enforced yet", "informative")
INFORMATIVE_CRITERION = (
    "A key is informative when it is a section of the scheme (no parent key) or a heading with "
    "sub-rules in the rule book (the parent of other keys). It is shown as 'informative' only while "
    "no code cites it; an informative key that code cites gets an enforced status like any rule."
)

# "R7.2-deadline", "R4.A1", "RT-valid", "R7.4.1-S1-offsite", "RB"; not "RGB" or "Rule".
KEY_SHAPE = re.compile(r"R(?:\d+(?:\.\d+)*|[A-Z])(?:[.\-][A-Za-z0-9]+)*")
# The part of a key a placeholder may stand for: "D11", "T4", "a".
GENERATED_SUFFIX = re.compile(r"[A-Za-z]?\d+|[A-Za-z]")
MARKER = re.compile(r"#\s*enforces:\s*(.*)")

RAISERS = {"RuleViolation": 0, "require": 1}  # callee name → position of the key argument
KEY_KEYWORDS = ("key", "rule")


@dataclass(frozen=True, order=True)
class Site:
    """One place in the code that cites a key."""

    file: str
    line: int
    function: str
    kind: str  # "raise" (RuleViolation/require), "call", "constant" or "marker"
    generated: bool = False

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "function": self.function,
                "generated": self.generated, "kind": self.kind}


# ---------------------------------------------------------------------------------------------
# Helpers shared by both scanners
# ---------------------------------------------------------------------------------------------


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _excluded(rel: str, excludes: Iterable[str]) -> bool:
    return any(rel == e or rel.startswith(e + "/") for e in excludes)


def _read_module(path: Path, errors: list[str], rel: str) -> tuple[str, ast.Module] | None:
    try:
        source = path.read_text(encoding="utf-8")
        if SKIP_FILE_MARKER in source:
            return None
        return source, ast.parse(source, filename=rel)
    except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
        errors.append(f"{rel}: cannot parse ({exc.__class__.__name__}: {exc})")
        return None


def _fstring_shape(node: ast.JoinedStr) -> tuple[str, ast.expr, str] | None:
    """(literal prefix, placeholder expression, literal tail) for ``f"PREFIX{x}TAIL"``, else None."""
    vals = node.values
    if len(vals) not in (2, 3) or not isinstance(vals[0], ast.Constant) or not isinstance(vals[0].value, str):
        return None
    if not isinstance(vals[1], ast.FormattedValue) or vals[1].format_spec is not None:
        return None
    tail = ""
    if len(vals) == 3:
        if not isinstance(vals[2], ast.Constant) or not isinstance(vals[2].value, str):
            return None
        tail = vals[2].value
    return vals[0].value, vals[1].value, tail


def expand_generated(prefix: str, tail: str, keys: Iterable[str]) -> list[str]:
    """Known keys an f-string ``PREFIX{…}TAIL`` can produce.

    The prefix must name a key family (contain '-' or '.' after the leading "R…"), so ``f"R{n}"``
    expands to nothing rather than to every section. The placeholder must stand for one token such
    as "D11" or "a": ``f"R9.2-{t}"`` gives R9.2-T1…T4 but not R9.2-validity.
    """
    if not prefix.startswith("R") or not ("-" in prefix or "." in prefix):
        return []
    out = []
    for key in keys:
        if key.startswith(prefix) and key.endswith(tail) and len(key) > len(prefix) + len(tail):
            middle = key[len(prefix): len(key) - len(tail)]
            if GENERATED_SUFFIX.fullmatch(middle):
                out.append(key)
    return out


def _callee(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _function_spans(tree: ast.Module) -> list[tuple[int, int, str, frozenset[str]]]:
    """(first line, last line, qualified name inside the module, parameter names) of every def and class."""
    spans: list[tuple[int, int, str, frozenset[str]]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}" if prefix else child.name
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                params: frozenset[str] = frozenset()
                if not isinstance(child, ast.ClassDef):
                    a = child.args
                    params = frozenset(x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x)
                spans.append((first, child.end_lineno or child.lineno, name, params))
                walk(child, name)
            else:
                walk(child, prefix)

    walk(tree, "")
    return spans


def _enclosing(spans: list[tuple[int, int, str, frozenset[str]]], line: int) -> str:
    """The innermost def/class containing ``line`` ("" at module level)."""
    best = ""
    best_size = None
    for first, last, name, _ in spans:
        if first <= line <= last and (best_size is None or last - first < best_size):
            best, best_size = name, last - first
    return best


def _module_name(rel: str) -> str:
    """"tancert/clients/actions.py" → "clients.actions" (as in the brief's qualified names)."""
    parts = list(Path(rel).with_suffix("").parts)
    if parts and parts[0] == "tancert":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "tancert"


# ---------------------------------------------------------------------------------------------
# Code scanner
# ---------------------------------------------------------------------------------------------


@dataclass
class CodeScan:
    sites: dict[str, list[Site]]
    unresolved: list[Site]  # RuleViolation/require whose key is not a literal (no marker either)
    unknown: list[tuple[str, Site]]  # key-shaped citations that are not keys of the rule book
    errors: list[str]


def _markers(source: str) -> list[tuple[int, list[str]]]:
    """(target line, keys) for every ``# enforces:`` comment.

    An inline marker applies to its own line; a marker on a line of its own applies to the next
    line that holds code, so it can sit above the call it documents.
    """
    out: list[tuple[int, list[str]]] = []
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
    code_lines: set[int] = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return out
    for tok in tokens:
        if tok.type not in skip:
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    for tok in tokens:
        if tok.type == tokenize.COMMENT and (m := MARKER.match(tok.string)):
            keys = [k for k in re.split(r"[\s,;]+", m.group(1).strip()) if k]
            if tok.start[0] in code_lines:
                out.append((tok.start[0], keys))
            else:
                later = [n for n in code_lines if n > tok.start[0]]
                out.append((min(later) if later else tok.start[0], keys))
    return out


class _ModuleScan:
    """The citations of one module, added to the shared accumulators of :func:`scan_code`."""

    def __init__(self, rel: str, keys: Mapping[str, object], scan: CodeScan, found: dict[str, set[Site]]):
        self.rel, self.keys, self.scan, self.found = rel, keys, scan, found
        self.module = _module_name(rel)
        self.spans: list[tuple[int, int, str, frozenset[str]]] = []
        self.claimed: set[int] = set()  # id() of nodes already read as a call's key argument

    def site(self, line: int, kind: str, generated: bool = False) -> Site:
        inner = _enclosing(self.spans, line)
        return Site(self.rel, line, f"{self.module}.{inner}" if inner else self.module, kind, generated)

    def add(self, key: str, site: Site) -> None:
        self.found.setdefault(key, set()).add(site)

    def cite(self, arg: ast.expr, kind: str) -> bool:
        """Record the key(s) ``arg`` names; False if it is not a literal key or key family."""
        self.claimed.add(id(arg))
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value in self.keys:
                self.add(arg.value, self.site(arg.lineno, kind))
            else:  # a typo such as "R7.2-dealine": say so rather than count it
                self.scan.unknown.append((arg.value, self.site(arg.lineno, kind)))
            return True
        if isinstance(arg, ast.JoinedStr):
            shape = _fstring_shape(arg)
            keys = expand_generated(shape[0], shape[2], self.keys) if shape else []
            for key in keys:
                self.add(key, self.site(arg.lineno, kind, True))
            return bool(keys)
        return False

    def forwarded(self, args: list[ast.expr], line: int) -> bool:
        """True if the key is a parameter of the enclosing function, as in ``require(ok, key, …)``.

        Such a helper only passes on a key its callers name, and their literal is cited where it is
        written, so the helper is not reported as unresolved.
        """
        params: set[str] = set()
        best = None
        for first, last, _, names in self.spans:
            if first <= line <= last and (best is None or last - first < best):
                best, params = last - first, names
        return any(isinstance(a, ast.Name) and a.id in params for a in args)

    def calls(self, tree: ast.Module) -> list[Site]:
        """Cite the key arguments of calls; return the raising calls whose key is not literal."""
        unresolved = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            if name in RAISERS:
                pos = RAISERS[name]
                args = [node.args[pos]] if len(node.args) > pos else []
                args += [kw.value for kw in node.keywords if kw.arg == "key"]
                if not any([self.cite(a, "raise") for a in args]) and not self.forwarded(args, node.lineno):
                    unresolved.append(self.site(node.lineno, "raise"))
                continue
            candidates = [kw.value for kw in node.keywords if kw.arg in KEY_KEYWORDS]
            candidates += node.args[:1]
            for arg in candidates:
                # Other calls: only key-shaped literals, so that open("README.txt") is not a citation.
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and KEY_SHAPE.fullmatch(arg.value):
                    self.cite(arg, "call")
                elif isinstance(arg, ast.JoinedStr) and (shape := _fstring_shape(arg)):
                    if expand_generated(shape[0], shape[2], self.keys):
                        self.cite(arg, "call")
        return unresolved

    def constants(self, tree: ast.Module) -> None:
        """Any other string equal to a key (data such as {"rule": "R6.2-tiers"}) or key-family f-string."""
        inside_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if id(node) in self.claimed or id(node) in inside_fstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in self.keys:
                self.add(node.value, self.site(node.lineno, "constant"))
            elif isinstance(node, ast.JoinedStr) and (shape := _fstring_shape(node)):
                for key in expand_generated(shape[0], shape[2], self.keys):
                    self.add(key, self.site(node.lineno, "constant", True))

    def run(self, source: str, tree: ast.Module) -> None:
        self.spans = _function_spans(tree)
        unresolved = self.calls(tree)
        self.constants(tree)
        marked = set()
        for line, named in _markers(source):
            marked.add(line)
            for key in named:
                if key in self.keys:
                    self.add(key, self.site(line, "marker"))
                else:
                    self.scan.unknown.append((key, self.site(line, "marker")))
        # A marker documents what a call with a computed key enforces: it is no longer unresolved.
        self.scan.unresolved += [s for s in unresolved if s.line not in marked]


def scan_code(root: Path, keys: Mapping[str, object]) -> CodeScan:
    sites: dict[str, set[Site]] = {}
    scan = CodeScan({}, [], [], [])
    base = root / "tancert"
    paths = sorted(base.rglob("*.py")) if base.is_dir() else []
    for path in paths:
        rel = _rel(path, root)
        if _excluded(rel, CODE_EXCLUDES) or "migrations" in Path(rel).parts:
            continue
        parsed = _read_module(path, scan.errors, rel)
        if parsed is not None:
            _ModuleScan(rel, keys, scan, sites).run(*parsed)

    # The same key cited twice on one line (say a marker above a call) is one site; prefer the
    # most telling kind, and call it generated only if every citation there was generated.
    rank = {"raise": 0, "call": 1, "marker": 2, "constant": 3}
    merged: dict[str, list[Site]] = {}
    for key, found in sites.items():
        by_place: dict[tuple[str, int, str], Site] = {}
        for s in sorted(found, key=lambda s: (rank[s.kind], s.generated)):
            place = (s.file, s.line, s.function)
            if place in by_place:
                first = by_place[place]
                if first.generated and not s.generated:
                    by_place[place] = Site(*place, first.kind, False)
            else:
                by_place[place] = s
        merged[key] = sorted(by_place.values())
    scan.sites = merged
    scan.unresolved = sorted(set(scan.unresolved))
    scan.unknown = sorted(set(scan.unknown))
    return scan


# ---------------------------------------------------------------------------------------------
# Test scanner
# ---------------------------------------------------------------------------------------------


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = value`` assignments (the values are searched for keys on use)."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out[node.target.id] = node.value
    return out


def _parametrized(decorators: list[ast.expr], constants: Mapping[str, ast.expr]) -> dict[str, list[str]]:
    """Argument name → its string values, from ``@pytest.mark.parametrize`` decorators."""
    out: dict[str, list[str]] = {}
    for dec in decorators:
        if not (isinstance(dec, ast.Call) and _callee(dec) == "parametrize" and len(dec.args) >= 2):
            continue
        names_node, rows = dec.args[0], dec.args[1]
        if isinstance(names_node, ast.Constant) and isinstance(names_node.value, str):
            names = [n.strip() for n in names_node.value.split(",") if n.strip()]
        elif isinstance(names_node, ast.List | ast.Tuple):
            names = [e.value for e in names_node.elts if isinstance(e, ast.Constant)]
        else:
            continue
        if isinstance(rows, ast.Name) and rows.id in constants:
            rows = constants[rows.id]
        if not isinstance(rows, ast.List | ast.Tuple | ast.Set):
            continue
        for row in rows.elts:
            if isinstance(row, ast.Call) and _callee(row) == "param":  # pytest.param(…, id=…)
                row = ast.Tuple(elts=list(row.args)) if len(names) > 1 else (row.args[0] if row.args else row)
            cells = row.elts if len(names) > 1 and isinstance(row, ast.Tuple | ast.List) else [row]
            for name, cell in zip(names, cells, strict=False):
                if isinstance(cell, ast.Constant) and isinstance(cell.value, str):
                    out.setdefault(name, []).append(cell.value)
    return out


def _keys_in(nodes: list[ast.AST], keys: Mapping[str, object], constants: Mapping[str, ast.expr],
             params: Mapping[str, list[str]]) -> set[str]:
    found: set[str] = set()
    seen_names: set[str] = set()
    todo = list(nodes)
    while todo:
        node = todo.pop()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value in keys:
                found.add(sub.value)
            elif isinstance(sub, ast.Name) and sub.id in constants and sub.id not in seen_names:
                seen_names.add(sub.id)  # a module-level KEYS = [...] used by the test
                todo.append(constants[sub.id])
            elif isinstance(sub, ast.JoinedStr) and (shape := _fstring_shape(sub)):
                prefix, expr, tail = shape
                if isinstance(expr, ast.Name) and expr.id in params:
                    found.update(k for v in params[expr.id] if (k := f"{prefix}{v}{tail}") in keys)
    return found


def scan_tests(root: Path, keys: Mapping[str, object]) -> tuple[dict[str, list[str]], list[str]]:
    """Key → sorted test node ids that name it; and parse errors."""
    tested: dict[str, set[str]] = {}
    errors: list[str] = []
    base = root / "tests"
    paths = sorted(base.rglob("test_*.py")) if base.is_dir() else []
    for path in paths:
        rel = _rel(path, root)
        if _excluded(rel, TEST_EXCLUDES):
            continue
        parsed = _read_module(path, errors, rel)
        if parsed is None:
            continue
        _, tree = parsed
        constants = _module_constants(tree)

        def visit(body: list[ast.stmt], prefix: str, inherited: list[ast.expr], *, _rel=rel, _c=constants):
            for node in body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                    decorators = inherited + node.decorator_list
                    params = _parametrized(decorators, _c)
                    for key in _keys_in([node, *inherited], keys, _c, params):
                        tested.setdefault(key, set()).add(f"{_rel}::{prefix}{node.name}")
                elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                    visit(node.body, f"{prefix}{node.name}::", inherited + node.decorator_list)

        visit(tree.body, "", [])
    return {k: sorted(v) for k, v in tested.items()}, errors


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _section(key: str, rules: Mapping[str, rulebook.Rule]) -> str:
    while rules[key].parent is not None:
        key = rules[key].parent
    return key


def _proven_status(verdict: str) -> str:
    if verdict == "killed":
        return "enforced+tested"
    return "enforced, mutant survived" if verdict == "survived" else "enforced, unproven"


def build_report(root: Path, rules: Mapping[str, rulebook.Rule] | None = None,
                 mutation: Mapping[str, dict] | None = None) -> dict:
    """The coverage report as plain data (the --json output without its timestamp).

    A key with checks and tests is "enforced+tested" only when the committed mutation result
    (``mutation``, by default ``docs/mutation.json`` of ``root``) killed it under its current fingerprint.
    """
    rules = rulebook.RULES if rules is None else rules
    mutation = proof.load(root) if mutation is None else mutation
    code = scan_code(root, rules)
    tested, test_errors = scan_tests(root, rules)
    parents = {r.parent for r in rules.values() if r.parent is not None}
    rows = []
    for key, r in rules.items():
        enforced = code.sites.get(key, [])
        tests = tested.get(key, [])
        informative = r.parent is None or key in parents
        if enforced:
            status = "enforced+tested" if tests else "enforced, untested"  # proven below
        elif tests:
            status = "tested only"
        else:
            status = "informative" if informative else "not enforced yet"
        rows.append({
            "key": key, "clause": r.clause, "title_zh": r.title_zh, "title_en": r.title_en,
            "section": _section(key, rules), "informative": informative, "status": status,
            "enforced_by": [s.as_dict() for s in enforced], "tested_by": tests,
        })
    prints = proof.fingerprints({"keys": rows}, root)
    for row in rows:
        row["mutation"] = proof.proven(mutation.get(row["key"]), prints[row["key"]])
        if row["status"] == "enforced+tested":
            row["status"] = _proven_status(row["mutation"])
    summary = {s: sum(1 for row in rows if row["status"] == s) for s in STATUSES}
    return {
        "informative_criterion": INFORMATIVE_CRITERION,
        "keys": rows,
        "summary": summary,
        "unresolved": [s.as_dict() for s in code.unresolved],
        "unknown_keys": [{"key": k, **s.as_dict()} for k, s in code.unknown],
        "errors": code.errors + test_errors,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """Cut and pad to ``width`` terminal columns (Chinese characters take two)."""
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out, used = "", 0
    for c in text:
        if used + _width(c) > width - 1:
            break
        out, used = out + c, used + _width(c)
    return out + "…" + " " * (width - used - 1)


def _site_label(site: dict) -> str:
    return f"{site['function']}:{site['line']}" + ("†" if site["generated"] else "")


def render_table(report: dict, root: Path) -> str:
    lines = [f"tancert rules — CEC-7048CMS-A/2 rule coverage of {root}",
             f"Informative: {INFORMATIVE_CRITERION}", "† = generated from an f-string key family", ""]
    current = None
    for row in report["keys"]:
        if row["section"] != current:
            current = row["section"]
            head = next(r for r in report["keys"] if r["key"] == current)
            lines += ["", f"== {current}  {head['title_zh']} — {head['title_en']}",
                      f"{_fit('key', 19)} {_fit('标题', 24)} {_fit('status', 19)} enforced by | tested by"]
        sites = row["enforced_by"]
        enforced = ", ".join(_site_label(s) for s in sites[:2]) + (f" (+{len(sites) - 2})" if len(sites) > 2 else "")
        tests = row["tested_by"]
        tested = (tests[0].split("::", 1)[-1] + (f" (+{len(tests) - 1})" if len(tests) > 1 else "")) if tests else "-"
        lines.append(f"{_fit(row['key'], 19)} {_fit(row['title_zh'], 24)} {_fit(row['status'], 19)} "
                     f"{enforced or '-'} | {tested}")
    lines += ["", "Summary: " + ", ".join(f"{s}: {n}" for s, n in report["summary"].items())
              + f" (total {len(report['keys'])})"]
    if report["unknown_keys"]:
        lines.append("Unknown keys cited (not in the rule book): " + ", ".join(
            f"{u['key']} at {u['file']}:{u['line']}" for u in report["unknown_keys"]))
    if report["unresolved"]:
        lines.append(f"RuleViolation/require with a non-literal key ({len(report['unresolved'])}; add "
                     "'# enforces: KEY' if the key is not cited elsewhere): " + ", ".join(
                         f"{u['file']}:{u['line']}" for u in report["unresolved"]))
    lines += [f"Error: {e}" for e in report["errors"]]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict) -> str:
    """The document for ``docs/rules.md``.

    Deterministic, and stable under unrelated edits: it names the functions that cite a key but
    not their line numbers (those are in --json), so moving code does not make the file stale.
    """
    out = [
        "# 规则覆盖 / Rule coverage — CEC-7048CMS-A/2",
        "",
        "Generated by `python -m tancert.scheme.coverage --write docs/rules.md`; do not edit by hand. "
        "CI runs `--check docs/rules.md`, which fails when this file is stale.",
        "",
        "For every key of the rule book: the functions that cite it in `RuleViolation`/`require` "
        "or elsewhere in code (*enforced by*), and the tests that name it (*tested by*). "
        "A key is listed as enforced only when such a site exists. "
        "† marks a site where the key is generated from an f-string family such as `f\"R7.1-{code}\"`; "
        "° marks a function that only names the key as data (a string constant, e.g. a finding's "
        "`\"rule\"`), not in a raising call; (n) is the number of sites in that function.",
        "",
        "*Proven*: a key with checks and tests is **enforced+tested** only when the mutation run "
        "(`tancert rules --mutate --write docs/mutation.json`) switched its checks off and one of its tests failed, "
        "under the fingerprint of its current checking functions and tests; otherwise it is *enforced, mutant "
        "survived* or *enforced, unproven* (stale, not run, error). `tancert rules --check-mutation` fails when a "
        "committed result is stale; `./dev test` re-runs the stale keys. The list at the end gives every key that "
        "is not proven, with why.",
        "",
        f"*Informative*: {INFORMATIVE_CRITERION}",
        "",
        "## 汇总 / Summary",
        "",
        "| 状态 / Status | Keys |",
        "|---|---:|",
    ]
    out += [f"| {s} | {n} |" for s, n in report["summary"].items()]
    out += [f"| total | {len(report['keys'])} |", ""]
    rows = report["keys"]
    current = None
    for i, row in enumerate(rows):
        if row["section"] != current:
            current = row["section"]
            head = next(r for r in rows if r["key"] == current)
            out += [f"## {current} {_md(head['title_zh'])} / {_md(head['title_en'])}", "",
                    "| Key | Clause | 标题 | Title | Enforced by | Tested by | Status |",
                    "|---|---|---|---|---|---|---|"]
        functions: dict[str, list[dict]] = {}
        for s in row["enforced_by"]:
            functions.setdefault(s["function"], []).append(s)
        enforced = "<br>".join(
            f"`{fn}`" + ("†" if all(s["generated"] for s in ss) else "")
            + ("°" if all(s["kind"] == "constant" for s in ss) else "") + (f" ({len(ss)})" if len(ss) > 1 else "")
            for fn, ss in sorted(functions.items()))
        tested = "<br>".join(f"`{t}`" for t in row["tested_by"])
        status = row["status"] + (" (informative)" if row["informative"] and row["status"] != "informative" else "")
        out.append(f"| `{row['key']}` | {row['clause']} | {_md(row['title_zh'])} | {_md(row['title_en'])} | "
                   f"{enforced or '—'} | {tested or '—'} | {status} |")
        if i + 1 == len(rows) or rows[i + 1]["section"] != current:
            out.append("")
    out += _open_keys(rows)
    return "\n".join(out).rstrip("\n") + "\n"


OPEN_KEYS = Path(__file__).parent / "data" / "open_keys.json"


def _open_keys(rows: list[dict]) -> list[str]:
    """The keys that are not enforced and proven by the mutation run, each with why (data/open_keys.json)."""
    reasons = json.loads(OPEN_KEYS.read_text(encoding="utf-8"))["reasons"] if OPEN_KEYS.is_file() else {}
    open_rows = [r for r in rows if r["status"] not in ("enforced+tested", "informative")]
    out = ["## 未证实或未执行的规则 / Keys not enforced or not proven", "",
           "A key counts as *enforced+tested* only when `tancert rules --mutate` switched its checks off and one of "
           "its tests failed, under the fingerprint of its current checks and tests (`docs/mutation.json`). "
           "The others, with the mutation verdict (killed, survived, no-tests, not-enforced, error, stale, not run) "
           "and why:", ""]
    for r in open_rows:
        why = reasons.get(r["key"], "")
        out.append(f"- `{r['key']}` — {r['status']}; mutation: {r['mutation']}" + (f". {_md(why)}" if why else ""))
    return out + [""]


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def check_mutation(report: dict) -> int:
    """Exit 1 when a key's committed mutation result no longer matches its checks and tests (scheme/proof.py)."""
    stale = [r["key"] for r in report["keys"] if r["mutation"] == "stale"]
    never = [r["key"] for r in report["keys"] if r["mutation"] == "not run" and proof.runnable(r)
             and any(s["kind"] in proof.CHECK_KINDS for s in r["enforced_by"]) and r["tested_by"]]
    if never:
        print(f"not run yet (shown as unproven): {' '.join(never)}")
    if stale:
        print(f"{proof.FILE} is stale for {len(stale)} key(s): {' '.join(stale)}\n"
              f"Re-run them: tancert rules --mutate --write {proof.FILE} {' '.join(stale)}  (or --stale)")
        return 1
    print(f"{proof.FILE} is current for every key it holds.")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tancert rules", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="tree to scan (default: this repository)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", type=Path, metavar="FILE", help="write the Markdown document to FILE")
    mode.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE differs from the document")
    mode.add_argument("--check-mutation", action="store_true",
                      help=f"exit 1 if the committed mutation result ({proof.FILE}) is stale for some key")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    if not (root / "tancert").is_dir():
        print(f"tancert rules: no tancert/ package under {root}", file=sys.stderr)
        return 2
    report = build_report(root)
    for error in report["errors"]:
        print(f"tancert rules: {error}", file=sys.stderr)

    if args.check_mutation:
        return check_mutation(report)
    if args.check:
        wanted = render_markdown(report)
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current == wanted:
            print(f"{args.check} is current.")
            return 0
        diff = list(difflib.unified_diff(current.splitlines(), wanted.splitlines(),
                                         f"{args.check} (on disk)", f"{args.check} (from code)", lineterm="", n=0))
        print(f"{args.check} is stale. Regenerate: python -m tancert.scheme.coverage --write {args.check}")
        print("\n".join(diff[:20]) + ("\n…" if len(diff) > 20 else ""))
        return 1
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(render_markdown(report), encoding="utf-8")
        print(f"wrote {args.write}: " + ", ".join(f"{s} {n}" for s, n in report["summary"].items()))
        return 0
    if args.json:
        data = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), **report}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    sys.stdout.write(render_table(report, root))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
