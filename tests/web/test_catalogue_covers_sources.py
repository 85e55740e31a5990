"""Every translatable string in the code and templates is in the Chinese catalogue (docs/i18n.md).

`test_translations.py` checks the entries the catalogue has; this test finds the entries it lacks: it
reads the source the way `makemessages` would (Python with ast, templates with the translate tags) and
names every string with no catalogue entry, so a new page cannot go out half in English. No database,
no gettext tools needed. The GHG engine keeps its own bilingual messages and is left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2] / "tancert"
PO_PATH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SKIP = ("ghg/", "migrations/")

SIMPLE = {"_", "gettext", "gettext_lazy", "gettext_noop"}
CONTEXT = {"pgettext", "pgettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy"}

TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?[^%]*%\}""",
                           re.S)
BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
                   re.S)
VAR = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def _sources(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        rel = path.relative_to(ROOT).as_posix()
        if not any(part in rel for part in SKIP):
            yield rel, path.read_text(encoding="utf-8")


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_strings():
    for rel, text in _sources("*.py"):
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            if name in SIMPLE or name in PLURAL:
                msgid = _literal(node.args[0])
                if msgid:
                    yield None, msgid, f"{rel}:{node.lineno}"
            elif name in CONTEXT and len(node.args) >= 2:
                context, msgid = _literal(node.args[0]), _literal(node.args[1])
                if context and msgid:
                    yield context, msgid, f"{rel}:{node.lineno}"


def template_strings():
    for rel, text in _sources("*.html"):
        for m in TRANSLATE_TAG.finditer(text):
            yield m.group(4), m.group(2), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"
        for m in BLOCK.finditer(text):
            args, body = m.group("args"), m.group("body")
            body = re.split(r"\{%\s*plural\s*%\}", body)[0]
            if "trimmed" in args.split():
                body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
            context = re.search(r"""context\s+(["'])(.*?)\1""", args)
            msgid = VAR.sub(lambda v: f"%({v.group(1)})s", body)
            yield (context.group(2) if context else None), msgid, f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"


def test_every_translatable_string_of_the_code_and_templates_is_in_the_catalogue():
    po = polib.pofile(str(PO_PATH))
    known = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    missing = sorted({f"{where}: {msgid!r}" + (f" [{ctx}]" if ctx else "")
                      for source in (python_strings(), template_strings())
                      for ctx, msgid, where in source if (ctx, msgid) not in known})
    assert not missing, (f"{len(missing)} strings have no entry in django.po; refresh the catalogue "
                         "(docs/i18n.md) and translate them:\n" + "\n".join(missing))


def test_the_scanner_finds_strings_in_python_and_templates():
    py = {msgid for _c, msgid, _w in python_strings()}
    html = {msgid for _c, msgid, _w in template_strings()}
    assert "Public register" in py | html
    assert len(py) > 100 and len(html) > 100
