"""A template with its constant tags rendered in ahead, once per language (docs/performance.md, Public register).

`{% translate "…" %}` of a literal and `{% url 'name' %}` without arguments give the same text every time in one
language under one script prefix, yet Django renders them again on every render: the translation looked up
through the active language's thread-local, the URL reversed. In a certificate's public page they were about a
fifth of the body's rendering. `folded(name)` compiles the template a second time and puts each such tag's text
in its place, rendered by the tag itself (the same escaping, the same translation), so the result is the
template's own, byte for byte (tests/ui/test_folding.py; tests/certificates/register/test_page_cache.py).

Anything that reads the context stays a tag: a translation with a variable, a context or `as`, a URL with
arguments, and every tag inside an `{% include %}`d template.
"""

from __future__ import annotations

from django.template import Context
from django.template.backends.django import Template as BackendTemplate
from django.template.base import Node, NodeList, Template, TextNode
from django.template.defaulttags import URLNode
from django.template.loader import get_template
from django.templatetags.i18n import TranslateNode
from django.urls import get_script_prefix
from django.utils import translation

# (template name, language, script prefix) → (the compiled template it was folded from, the folded one)
_folded: dict[tuple[str, str, str], tuple[Template, BackendTemplate]] = {}


def folded(name: str) -> BackendTemplate:
    """The template `name` (as `get_template` gives it, rendered the same way) with its constant tags folded in for
    the active language. Folded again when the loader compiles the template anew (a development server's reload)."""
    source = get_template(name)
    key = (name, translation.get_language(), get_script_prefix())
    found = _folded.get(key)
    if found is not None and found[0] is source.template:
        return found[1]
    template = Template(source.template.source, source.template.origin, source.template.name,
                        source.template.engine)
    fold(template.nodelist)
    result = BackendTemplate(template, source.backend)
    _folded[key] = (source.template, result)  # two threads folding at once store equal results: either will do
    return result


def fold(nodelist: NodeList) -> None:
    """Replace, in place and at any depth, each constant tag of `nodelist` by its text."""
    for i, node in enumerate(nodelist):
        if constant(node):
            nodelist[i] = TextNode(str(node.render(Context(autoescape=True))))
            continue
        for branch in branches(node):
            fold(branch)


def branches(node: Node) -> list[NodeList]:
    """The node lists inside `node`: {% if %} keeps its branches in `conditions_nodelists` (its `nodelist` is a
    copy of them all), every other tag names its own in `child_nodelists`."""
    if hasattr(node, "conditions_nodelists"):
        return [branch for _, branch in node.conditions_nodelists]
    return [branch for attribute in node.child_nodelists if (branch := getattr(node, attribute, None))]


def constant(node: Node) -> bool:
    """A tag whose text depends on the language and the script prefix only."""
    if isinstance(node, TranslateNode):
        return node.asvar is None and node.message_context is None and _literal(node.filter_expression)
    if isinstance(node, URLNode):
        return node.asvar is None and not node.args and not node.kwargs and _literal(node.view_name)
    return False


def _literal(expression) -> bool:
    """A quoted string without filters: the parser keeps it as the string itself, or (translate) as a literal."""
    return not expression.filters and (isinstance(expression.var, str) or
                                       getattr(expression.var, "literal", None) is not None)
