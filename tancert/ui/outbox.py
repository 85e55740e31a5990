"""Answers to the offline outbox (docs/audits.md §5, static/tancert/outbox.js).

An entry made offline is a form the page could not send: the device keeps it and, back online, posts it to the
same address as the page would, marked with the ``X-Tancert-Outbox`` header. The view runs as usual (the same
action, the same record); this middleware turns its answer — a redirect with a message for a person — into one
line of JSON for the outbox: saved, conflict (someone changed the same thing meanwhile), error (refused: the
message says why), or login (the session ended; the entry stays on the device). The messages meant for the page
are consumed here, so they do not appear on the next page the person opens.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

HEADER = "X-Tancert-Outbox"


class EntryInFlight(Exception):
    """Another copy of the same offline entry was saved at the same moment (audits/offline/receipts.py): this
    copy's action is rolled back whole and the sender is told to try again, when the first copy answers."""


class OutboxReplyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or request.headers.get(HEADER) != "1":
            return response
        return reply(request, response)

    def process_exception(self, request, exception):
        """Two copies of one offline entry at the same moment (audits/offline/receipts.py): the second is rolled
        back; the device keeps it and sends it again, and then it is answered as saved. Never a 500."""
        if not isinstance(exception, EntryInFlight):
            return None
        message = _("This entry is being saved by another request; it will be confirmed on the next sync.")
        if request.headers.get(HEADER) == "1" or request.path.startswith("/api/"):
            response = JsonResponse({"status": "retry", "detail": message, "message": message}, status=503)
        else:
            from django.http import HttpResponse
            from django.template.loader import render_to_string

            response = HttpResponse(render_to_string("503_entry.html", {"message": message}), status=503)
        response["Retry-After"] = "2"
        return response


def reply(request, response):
    if response.status_code >= 500:
        return response  # the device keeps the entry and tries again later
    errors = [strip_tags(str(m)) for m in messages.get_messages(request) if m.level >= messages.ERROR]
    violation = getattr(request, "tancert_violation", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return JsonResponse({"status": "login", "message": _("Log in again to send the entries kept on this device.")})
    if violation is not None:
        return JsonResponse({"status": "conflict" if violation.field == "version" else "error",
                             "message": str(violation.message), "field": violation.field})
    if errors:
        return JsonResponse({"status": "error", "message": errors[0]})
    if response.status_code in (403, 404):
        return JsonResponse({"status": "error", "message": _("You cannot make this entry (no access, or it no "
                                                            "longer exists).")})
    if response.status_code in (301, 302, 303):
        return JsonResponse({"status": "saved"})
    # A page shown again with its form: the view refused the entry without a message of its own.
    return JsonResponse({"status": "error", "message": _("Not saved: open the page with the network and check "
                                                        "the form.")})
