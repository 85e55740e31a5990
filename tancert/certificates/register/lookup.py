"""Public lookups (R9.2-lookup): rate-limited per client address and logged.

The limit is a fixed one-minute window counted in Django's cache (per process with the
default local-memory cache; a shared cache such as Redis makes it global). Over the limit
the register answers 429 with Retry-After, and the refused lookup is logged too.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from tancert.certificates.models import LookupLog
from tancert.scheme.violations import switched_off


def client_address(request) -> str:
    header = getattr(settings, "TANCERT_CLIENT_ADDRESS_HEADER", "")
    if header and request.META.get(header):
        # A proxy header lists the chain; the first entry is the original client.
        return request.META[header].split(",")[0].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def allow(address: str) -> tuple[bool, int]:
    """(allowed, seconds until the window resets)."""
    limit = settings.TANCERT_LOOKUPS_PER_MINUTE
    now = int(time.time())
    window = now // 60
    key = f"lookup:{address}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    # The limit keeps the lookup open to everyone (R9.2-lookup); switchable for `tancert rules --mutate`.
    within = count <= limit or switched_off("R9.2-lookup")  # enforces: R9.2-lookup
    return within, 60 - now % 60


def log(address: str, channel: str, query: str, found: int, limited: bool = False) -> None:
    LookupLog.objects.create(client=address, channel=channel, query=(query or "")[:100], found=found,
                             limited=limited)
