"""The Content-Security-Policy header, built once (docs/security.md; docs/performance.md, Public register).

django-csp builds the header from the settings on every response: 57 µs, an eighth of a register lookup's time
in the process and a twentieth of a certificate page's. Our policy is the same for every response unless a view
changes it (django-csp's decorators set `_csp_config`, `_csp_update`, `_csp_replace` and their `_ro` forms on
the response) or a template asks for a nonce (`request.csp_nonce`): such a response goes through django-csp
unchanged; every other one gets the header django-csp built once for the settings in force. The two are compared
header for header in tests/security/test_csp_once.py.
"""

from __future__ import annotations

from http import client as http_client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

_CHANGES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class PolicyOnceCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self._built: tuple | None = None  # (policy setting, report-only setting, header, report-only header)

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
                getattr(response, name, None) is not None for name in _CHANGES):
            return super().process_response(request, response)
        if response.status_code in (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        csp, csp_ro = self._headers()
        for header, value, exempt, setting in ((HEADER, csp, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                                               (HEADER_REPORT_ONLY, csp_ro, "_csp_exempt_ro",
                                                "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            if value and header not in response and getattr(response, exempt, False) is False \
                    and not request.path_info.startswith(prefixes):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _headers(self) -> tuple[str, str]:
        """The policy and the report-only policy for the settings in force (a test's override builds anew)."""
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not policy or built[1] is not report_only:
            # One assignment: a thread reads the old tuple or the new one, never a mix.
            built = self._built = (policy, report_only, build_policy(), build_policy(report_only=True))
        return built[2], built[3]
