"""Rendered certificate pages for anonymous visitors, per process (docs/certificates.md, Public register).

A certificate's public page (R9.2-lookup) is the same for every anonymous visitor in one language on one day,
except for the CSRF token of the language switch. It is kept rendered here, bounded in bytes (least recently
used first out), and the token is put in per request, so every visitor still gets their own token and the
CSRF cookie as on any page.

Never stale: an entry belongs to a *generation* — the record chain's head (every change to a certificate, its
versions, its transparency-log leaves, its renewal, its surveillance status or its history is an action or a
sweep step that appends an event in the same transaction: docs/architecture.md, Records;
certificates/enforcement.py), today's date (validity depends on it:
Certificate.public_status) and the seal key id shown on the page. The chain's head is read in the same statement
as the page's data (register/pagedata.py), in one snapshot, so a cached page is never older than its generation;
when the generation moves, every entry of the old one is dropped. A suspended certificate is therefore never
shown as valid, not even for one request. An unknown number is kept too (as None), so a miss does not run the
page's queries again.

Signed-in visitors, a query string and pending messages get the page rendered as usual, never from here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from tancert.certificates import seal
from tancert.certificates.register.pagedata import read_head

# Rendered where the CSRF token goes: never a token (those are letters and digits only), and replaced only as the
# whole value of the token field, which escaped certificate data cannot spell (its quotes are &quot;).
SENTINEL = "tancert-csrf-sentinel"
_FIELD = 'name="csrfmiddlewaretoken" value="{}"'
_PLACEHOLDER = _FIELD.format(SENTINEL).encode()
ENTRY_OVERHEAD = 200  # bytes an entry costs besides its body: key, tuple, dictionary slot

Load = Callable[..., tuple[list, object | None]]
Draw = Callable[..., HttpResponse]


class PageCache:
    """Pages of one generation, least recently used first; at most `limit` bytes of bodies and keys."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.generation: tuple | None = None
        self._entries: OrderedDict[tuple, bytes | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: tuple, key: tuple) -> tuple[bool, bytes | None]:
        with self._lock:
            if generation != self.generation or key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key]

    def put(self, generation: tuple, key: tuple, body: bytes | None) -> None:
        cost = self.cost(key, body)
        with self._lock:
            if generation != self.generation:  # a newer (or older) generation: nothing of the other one stays
                self._entries.clear()
                self.size, self.generation = 0, generation
            if cost > self.limit:
                return
            if key in self._entries:
                self.size -= self.cost(key, self._entries.pop(key))
            self._entries[key] = body
            self.size += cost
            while self.size > self.limit:
                old_key, old_body = self._entries.popitem(last=False)
                self.size -= self.cost(old_key, old_body)

    def __contains__(self, key: tuple) -> bool:
        return key in self._entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size, self.generation = 0, None

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def cost(key: tuple, body: bytes | None) -> int:
        return len(body or b"") + sum(len(str(part)) for part in key) + ENTRY_OVERHEAD


pages = PageCache(getattr(settings, "TANCERT_REGISTER_PAGE_CACHE_BYTES", 16 * 2**20))


def generation(head: str | None) -> tuple:
    """(chain head, today, seal key id). `head` is the last event's hash (register/pagedata.py), None for an empty
    chain. The hash rather than the event's number: the hash covers the whole chain before it, so a database put
    back from a backup (or a test's rolled-back transaction) that reaches the same number with another history is
    another generation all the same."""
    return head, timezone.localdate().isoformat(), seal.current_key_id()


def cacheable(request) -> bool:
    """An anonymous visitor's plain GET without messages waiting: the page everyone in that language sees."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return messages is None or not len(messages)


def page(request, number: str, load: Load, draw: Draw) -> HttpResponse | None:
    """The certificate page for this request, None for an unknown number. `load(number, head_first=…)` reads the
    chain's head and the page's data, the data None for an unknown number (register/pagedata.py); `draw(request,
    data)` renders it, and `draw(request, data, in_shell=True)` renders the anonymous page (`in_shell`) with the
    CSRF sentinel. An anonymous plain GET gets the page from the cache, with its own CSRF token."""
    if not cacheable(request):
        data = load(number)[1]
        return None if data is None else draw(request, data)
    # The number as typed, not upper-cased: the page's language switch returns to the address it was asked by.
    key = (number, translation.get_language())
    found = False
    if key in pages:  # cached under the last generation seen: most likely still current
        found, body = pages.get(generation(read_head()), key)
    if not found:
        # The head is read with the data, in the same snapshot, so what is cached is never older than its
        # generation. A number no certificate has is looked up again after the head, which the first answer
        # did not give: "none" is kept under a head read before it (register/pagedata.py).
        head, data = load(number)
        if data is None:
            head, data = load(number, head_first=True)
        body = None if data is None else draw(request, data, in_shell=True).content
        pages.put(generation(head), key, body)
    if body is None:
        return None
    return HttpResponse(body.replace(_PLACEHOLDER, _FIELD.format(get_token(request)).encode()))


# The anonymous page around a certificate's page — base.html: head, menu, language switch, footer — is the same
# for every certificate in one language but its title and the language switch's return address. It is rendered
# once per language (templates certificates/register/shell.html) with these marks, which no template text spells,
# and each page puts its own title, address and body in; the body goes in last, so certificate data is never
# searched for a mark. The result is the page certificate.html renders whole, byte for byte
# (tests/certificates/register/test_page_cache.py); it saved about a third of the page's rendering
# (docs/performance.md, Public register).
TITLE, PATH, BODY = "tancert-shell-title", "tancert-shell-path", "tancert-shell-body"
shells: dict[str, tuple[str, str]] = {}


def in_shell(request, title: str, body: str) -> str:
    """The whole page around `body` for an anonymous visitor without messages (`cacheable`), with the CSRF
    sentinel where its token goes (`page` puts each visitor's token in)."""
    language = translation.get_language()
    parts = shells.get(language)
    if parts is None:
        html = render_to_string("certificates/register/shell.html", {
            "csrf_token": SENTINEL, "next_path": PATH, "shell_title": TITLE, "shell_body": BODY}, request)
        before, after = html.split(BODY)  # exactly once: the template has one body
        parts = shells[language] = before, after
    before, after = parts
    return before.replace(TITLE, escape(title)).replace(PATH, escape(request.get_full_path())) + body + after
