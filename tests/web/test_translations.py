"""The Simplified Chinese catalogue is complete, consistent and compiled (docs/i18n.md).

No database: the catalogue is read with polib, and Django only looks the strings up.
Refresh the catalogue as described in docs/i18n.md.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest

LC_MESSAGES = Path(__file__).resolve().parents[2] / "tancert" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# printf-style placeholders (%(name)s, %(limit)d, %s, %.1f) and str.format-style ones ({name}, {0}).
# "%%" is a literal percent sign and is not a placeholder.
PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{[A-Za-z_0-9][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")


def placeholders(text: str) -> Counter:
    text = text.replace("%%", "")
    return Counter(PRINTF.findall(text)) + Counter(BRACES.findall(text))


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context} ({where})"


def translations(entries) -> dict:
    """(msgctxt, msgid) -> msgstr, or the tuple of plural forms; the header is left out."""
    pairs = {}
    for e in entries:
        if not e.msgid or e.obsolete:
            continue
        if e.msgid_plural:
            value = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
        else:
            value = e.msgstr
        pairs[(e.msgctxt, e.msgid)] = value
    return pairs


@pytest.fixture(scope="module")
def po():
    assert PO_PATH.exists(), f"{PO_PATH} is missing; create it as described in docs/i18n.md"
    return polib.pofile(str(PO_PATH))


def test_the_catalogue_header_declares_simplified_chinese_with_one_plural_form(po):
    assert po.metadata.get("Language") == "zh_Hans"
    assert po.metadata.get("Project-Id-Version") == "tancert"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = [e for e in po if not e.obsolete]
    assert entries, "the catalogue is empty"
    untranslated = [describe(e) for e in po.untranslated_entries()]
    # A plural entry with any empty form is untranslated too.
    untranslated += [describe(e) for e in entries
                     if e.msgid_plural and e.translated() and not all(e.msgstr_plural.values())]
    fuzzy = [describe(e) for e in po.fuzzy_entries()]
    problems = [f"untranslated: {d}" for d in untranslated] + [f"fuzzy: {d}" for d in fuzzy]
    assert not problems, f"{len(problems)} catalogue entries need work:\n" + "\n".join(problems)


def test_every_translation_keeps_the_placeholders_of_its_source_string(po):
    problems = []
    for e in po:
        if e.obsolete or not e.translated():
            continue
        if e.msgid_plural:
            expected = placeholders(e.msgid_plural) | placeholders(e.msgid)
            forms = e.msgstr_plural.values()
        else:
            expected = placeholders(e.msgid)
            forms = [e.msgstr]
        for form in forms:
            got = placeholders(form)
            if got != expected:
                problems.append(f"{describe(e)}: expected {sorted(expected.elements())}, "
                                f"found {sorted(got.elements())} in {form!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po_file(po):
    assert MO_PATH.exists(), f"{MO_PATH} is missing; run compilemessages (docs/i18n.md)"
    mo = polib.mofile(str(MO_PATH))
    expected = translations(e for e in po if e.translated())
    compiled = translations(mo)
    stale = sorted(f"{key[1]!r}: .po {expected.get(key)!r} / .mo {compiled.get(key)!r}"
                   for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key))
    assert not stale, ("django.mo is out of date with django.po; run compilemessages (docs/i18n.md):\n"
                       + "\n".join(stale))


def test_django_serves_the_public_register_label_in_simplified_chinese():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("zh-hans"):
        label = str(gettext_lazy("Public register"))
    assert label != "Public register"
    assert re.search(r"[\u4e00-\u9fff]", label), label
    with translation.override("en"):
        assert str(gettext_lazy("Public register")) == "Public register"
