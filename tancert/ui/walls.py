"""Looking objects up behind the walls between roles (docs/architecture.md, "Walls between roles").

Each app owns the querysets of what a user may see (``clients/access.py``, ``audits/access.py``,
``certificates/access.py``); a view looks an object up in that queryset, so an object outside the
wall is a 404, indistinguishable from a missing one.
"""

from __future__ import annotations

from django.http import Http404


def get_or_404(queryset, **lookup):
    """Objects outside the user's wall are indistinguishable from missing ones."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
