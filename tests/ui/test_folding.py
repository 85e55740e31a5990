"""Constant tags rendered in ahead (tancert/ui/folding.py): the folded template renders what the template renders,
in every language, and keeps every tag that reads the context."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings as django_settings
from django.template.base import TextNode
from django.template.defaulttags import URLNode
from django.template.loader import get_template
from django.templatetags.i18n import TranslateNode
from django.test import RequestFactory
from django.utils import translation

from tancert.ui import folding

SOURCE = (
    '{% load i18n %}<h1>{% translate "Certificate" %} {{ number }}</h1>'
    '{% translate "Version" as version %}<p>{{ version }}</p>'
    '<p>{% translate label %} · {% translate "May" context "month name" %} · {% translate "Scope"|upper %}</p>'
    '<a href="{% url \'register_verify\' %}">{% translate "Verify a certificate PDF" %}</a>'
    '<a href="{% url \'register_certificate\' number %}">{{ number }}</a>'
    '{% if show %}{% for x in items %}<i>{% translate "current" %} {{ x }}</i>{% empty %}{% translate "superseded" %}'
    '{% endfor %}{% elif other %}{% translate "History" %}{% else %}{% translate "Address" %}{% endif %}'
    '<b>{% translate "A & B <i>" %}</b>'
)


@pytest.fixture
def template_named(settings):
    templates = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [  # cached, as Django's default loaders are
        ("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", {"folding.html": SOURCE})])]
    settings.TEMPLATES = templates
    folding._folded.clear()
    yield "folding.html"
    folding._folded.clear()


def _nodes(nodelist):
    for node in nodelist:
        yield node
        for branch in folding.branches(node):
            yield from _nodes(branch)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("context", [
    {"number": "CEC26CMS000001R0", "label": "Scope", "show": True, "items": [1, "<2>"]},
    {"number": "A&B", "label": "Organisation", "show": True, "items": []},
    {"number": "X", "label": "Issued by", "show": False, "other": True},
    {"number": "X", "label": "x", "show": False, "other": False},
])
def test_the_folded_template_renders_what_the_template_renders(template_named, language, context):
    request = RequestFactory().get("/")
    with translation.override(language):
        assert folding.folded(template_named).render(context, request) == get_template(template_named).render(
            context, request)


def test_only_tags_that_read_no_context_are_folded(template_named):
    with translation.override("en"):
        nodes = list(_nodes(folding.folded(template_named).template.nodelist))
    kept_translations = [n for n in nodes if isinstance(n, TranslateNode)]
    # `as version`, a variable, a message context and a filter stay tags; the rest are text.
    assert len(kept_translations) == 4
    urls = [n for n in nodes if isinstance(n, URLNode)]
    assert len(urls) == 1 and urls[0].args  # the certificate's URL takes its number
    # A literal is the template author's text, safe as written: the tag does not escape it, nor does the fold.
    assert any(isinstance(n, TextNode) and n.s == "A & B <i>" for n in nodes)
    # The template the loader keeps is never changed.
    assert len([n for n in _nodes(get_template(template_named).template.nodelist) if isinstance(n, TranslateNode)]) == 11


def test_each_language_has_its_own_fold_and_a_recompiled_template_is_folded_again(template_named):
    with translation.override("zh-hans"):
        chinese = folding.folded(template_named)
        assert folding.folded(template_named) is chinese
    with translation.override("en"):
        english = folding.folded(template_named)
    assert english is not chinese
    assert "证书" in chinese.render({"number": "1"}) and "Certificate" in english.render({"number": "1"})
    # A development server's reload compiles the template anew: the fold follows it.
    from django.template import engines

    for loader in engines["django"].engine.template_loaders:
        loader.reset()
    with translation.override("en"):
        assert folding.folded(template_named) is not english
