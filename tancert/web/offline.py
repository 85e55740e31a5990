"""The service worker, served from the site's root so that it may answer for every page (docs/audits.md §5).

The script itself is a static file (static/tancert/sw.js); it is read once and served here with the headers a
service worker needs: its scope is the whole site, and the browser checks for a new version on every visit
instead of keeping an old one in its HTTP cache.
"""

from __future__ import annotations

import functools

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@functools.cache
def _script() -> bytes:
    with open(finders.find("tancert/sw.js"), "rb") as f:
        return f.read()


@require_GET
def service_worker(request):
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
