"""The Latin-script test (docs/i18n.md, Language discipline): every page and every PDF, as each persona in
Chinese, shows no Latin-script word outside a small allow-list.

The world is made the real way (tests/flow.py): organisation A certified (application, contract, stage 1
and 2 with carbon data, reports, decision, certificate), organisation B with a submitted application.
Every URL pattern of the site (not the API, which speaks JSON to programs) is walked with real objects;
a pattern that needs an object the world does not have is listed in SKIPPED with the reason, so a new
page cannot slip past the test unnoticed.

Rule keys (R7.1-D11) and the body's own policy marks are for staff: they are allowed on staff pages only,
never on a client's page nor in a document given to a client (contract, audit plan, report, certificate).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from tancert.records.labels import ACTIONS
from tancert.scheme import rulebook

from flow import certify, complete_application

pytestmark = pytest.mark.django_db

# What may stay in Latin script, and why. Everything else is a leak of an enum value, an English word or a
# code the reader cannot use.
ALLOWED_WORDS = {
    # the product's name and the language switch, which names English in English
    "tancert", "English",
    # units (SI and the GHG accounting units) and gases by their chemical formula
    "tCO2e", "tCO₂e", "kgCO2e", "CO2e", "tCO2", "kgCO2", "tC", "CO2", "CO₂", "CH4", "N2O", "SF6", "NF3", "HFCs", "PFCs", "kWh", "MWh", "GJ",
    "TJ", "kg", "Nm3", "Nm³", "m3", "m³", "km",
    # standards, schemes and bodies by their official codes
    "GB", "ISO", "IEC", "CCAA", "CNAS", "IAF", "MD", "CEC", "CMS", "HFC", "PFC",
    # file formats, named so that the reader picks the right file
    "PDF", "PNG", "SVG", "ZIP", "JPEG", "JSON", "Excel", "xlsx", "json", "QR",
    # authenticator apps by their product names (the second-factor set-up page), and the demo's own host name
    # where the passkey page names the site's address
    "Microsoft", "Google", "Authenticator", "FreeOTP", "localhost",
    # the carbonates by their chemical formulas, as the reference (quantification.md §5) names them
    "CaCO3", "MgCO3", "Na2CO3", "NaHCO3", "FeCO3", "CaMg", "CO3",
}
# Codes that are one token with punctuation inside (checked before splitting into words).
ALLOWED_PATTERNS = [
    r"CEC-\s?7048\s?CMS-\s?A/\s?2",
    r"T/CCAA\s*\d+(-\d{4})?",
    r"GB/T\s*\d+(\.\d+)?(-\d{4})?",
    r"ISO(/IEC)?\s*\d+(-\d+)?(:\d{4})?",
    r"IAF\s*MD\s*\d+",
    r"CNAS-CC\d+",  # CNAS's documents by their codes (CNAS-CC01 is ISO/IEC 17021-1 in China)
    r"PDF/A(-3b)?",
    r"IPCC\s*(AR[456]|SAR)",  # the IPCC assessment report the GWP values come from
    r"SHA-256",  # the digest's name beside a record's fingerprint
    r"FS0[123]",  # the regulator's (CNCA) audit method codes
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+",  # e-mail addresses
    r"https?://\S+",  # addresses
    r"(?<![\w/])/[a-z0-9_./-]+/",  # a page's own address, shown to be copied (the public register page)
    # the factor library's identifiers (table/activity/parameter), looked up in the library by them
    r"[A-Z][A-Z0-9.-]+/\s*[a-z_]+:[\w-]+/\s*[A-Za-z_]+(/\s*\w+)*",
    r"\b[0-9a-f]{12,}\b",  # record hashes and fingerprints
    r"[\w.-]+\.(pdf|png|jpg|jpeg|json|xlsx|zip|pem|svg)\b",  # file names as the client uploaded them
]
# A token of Latin script; it is a word when it has two letters or more (S1, R0, 2024a are not words).
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_₂]*")
CLIENTS = {"client_a", "anonymous"}
PERSONAS = ["anonymous", "client_a", "reviewer", "planner", "lead", "auditor", "expert", "decider", "certadmin",
            "sysadmin"]

# URL names the walk does not open, and why.
SKIPPED = {
    "set_language": "POST only", "finding_recheck": "POST only", "notice_resolve": "POST only",
    "logout": "POST only",
    "token_create": "POST only", "token_revoke": "POST only",
    "auditor_add": "POST only", "auditor_remove": "POST only", "auditor_cpd_complete": "POST only",
    "auditors_cpd_plan": "POST only", "auditors_qualification_type": "POST only",
    "password_reset_confirm": "needs a token from an e-mail",
    "accounts_unlock": "POST only", "accounts_remove_second_factor": "POST only",
    "calendar_set": "POST only", "calendar_remove": "POST only",
    "event_attach": "POST only",
    "organisation_archive": "a ZIP of the client's own files",
    "document_upload": "POST only", "documents_upload_all": "POST only", "document_not_applicable": "POST only",
    "document_download": "the client's own file",
    "commitment": "POST only", "application_details": "POST only", "application_simple_process": "POST only",
    "application_data_add": "POST only", "application_data_remove": "POST only",
    "contract_sign": "POST only", "contract_payment": "POST only", "application_submit": "POST only",
    "application_review": "POST only",
    "audit_complete": "POST only", "finding_raise": "POST only", "finding_respond": "POST only",
    "finding_review": "POST only", "checklist_answer": "POST only", "checklist_evidence": "POST only",
    "checklist_finding": "POST only", "checklist_conform_rest": "POST only", "evidence_file": "an uploaded photo", "audit_checkin": "POST only",
    "audit_checkin_setting": "POST only", "audit_checkin_explain": "POST only", "audit_confirm_team": "POST only", "audit_move": "POST only",
    "audit_issue_plan": "POST only", "audit_plan_answer": "POST only",
    "audit_carbon_upload": "POST only", "audit_carbon_freeze": "POST only", "audit_carbon_check": "POST only",
    "audit_carbon_confirm": "POST only", "audit_carbon_dismiss": "POST only",
    "audit_carbon_file": "the client's own inventory file",
    "audit_carbon_monte_carlo": "POST only", "audit_carbon_meters": "POST only",
    "audit_level_upload": "POST only", "audit_level_freeze": "POST only", "audit_level_confirm": "POST only",
    "audit_level_dismiss": "POST only", "audit_level_file": "the client's own workbook file (no level in this world)",
    "audit_carbon_template": "an Excel workbook (its sheets carry the English column keys the reader matches)",
    "certificate_issue": "POST only", "decide": "POST only",
    "certificate_mark": "an image", "certificate_misuse": "POST only",
    "transfer": "no transfer in this world (transfers has the list)",
    "seal_public_key": "a PEM key", "records_head": "JSON for programs",
    "proposal_accept": "POST only", "proposal_dismiss": "POST only",
    "certificate_serious_event": "POST only", "certificate_renew": "POST only",
    "certificate_change_request": "POST only", "certificate_change_review": "POST only",
    "certificate_english": "POST only", "certificate_change_decide": "POST only",
    "certificate_lifecycle": "POST only",
    "certificate_pdf_en": "the English certificate, in English on purpose (R9.1 second language)",
    "passkey_register_begin": "POST only (JSON for the browser's passkey prompt)",
    "passkey_register_complete": "POST only (JSON for the browser's passkey prompt)",
    "passkey_verify_begin": "POST only (JSON for the browser's passkey prompt)",
    "passkey_verify_complete": "POST only (JSON for the browser's passkey prompt)",
    "passkey_remove": "POST only",
    "remote_deviation_request": "POST only", "remote_deviation_decide": "POST only",
    "complaint_step": "POST only", "appeal_decide": "POST only",
    "complaint": "no complaint in this world (complaints has the list)",
    "appeal": "no appeal in this world (complaints has the list)",
    "appeal_new": "opens for a decision to appeal (?decision=…); none was refused in this world",
    "accounts_user_roles": "POST only", "accounts_user_deactivate": "POST only",
    "accounts_user_reactivate": "POST only", "me_notice_email": "POST only",
    "notifications_read_all": "POST only", "notification_read": "POST only",
    "notification_open": "a redirect to the notice's own page (notifications lists them)",
}


# Leaks not fixed yet, by URL name: each word listed here is a known debt, not an allowance. The test fails
# when a listed word no longer appears (take it off the list), so the list only shrinks.
PENDING: dict[str, set[str]] = {}


def _patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), pattern.name


@pytest.fixture
def world(p):
    from tancert.audits.models import AuditPlanDocument
    from tancert.records.models import Event

    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    complete_application(p.org_b, p.client_b)
    s2 = app.audits.get(kind="stage2")
    plan = AuditPlanDocument.objects.filter(audit=s2).order_by("-version").first()
    from datetime import date

    from tancert.certificates.notices.actions import lodge_notice

    notice = lodge_notice(cert, by=p.client_a, kind="accident", description="二号锅炉房发生火灾，无人员伤亡",
                          occurred_on=date(2026, 11, 30))
    args = {
        "organisation": [p.org_a.pk], "application": [app.pk], "audit": [s2.pk], "audit_checklist": [s2.pk],
        "audit_stage1": [app.audits.get(kind="stage1").pk], "audit_plan": [app.pk], "programme": [p.org_a.pk],
        "audit_plan_pdf": [s2.pk, plan.version], "audit_agenda": [s2.pk], "audit_carbon": [s2.pk], "audit_report": [s2.pk],
        "audit_report_pdf": [s2.pk, 1], "decision_page": [s2.pk], "certificate": [cert.pk],
        "certificate_pdf": [cert.pk, 1], "register_certificate": [cert.number],
        "register_version": [cert.number, 1], "event": [Event.objects.order_by("-seq").first().seq],
        "contract_pdf": [app.pk], "auditor": [p.lead.pk], "application_eligibility": [app.pk],
        "application_scope_levels": [app.pk],
        "complaint_public": [cert.number], "certificate_evidence": [cert.pk], "accounts_user": [p.lead.pk],
        "notice": [notice.pk], "notice_new": [cert.pk],
    }
    return args


def _allowed_names():
    """People's and organisations' names and identifiers are data, not words of the interface."""
    from tancert.certificates.models import Certificate
    from tancert.clients.models import Contract, Organisation
    from tancert.people.models import User
    from tancert.people.models.auditors import CcaaRegistration, Qualification

    names = set()
    for user in User.objects.all():
        names.update({user.username, user.get_full_name()})
    for org in Organisation.objects.all():
        names.update({org.name, org.credit_code})
    names.update(Certificate.objects.values_list("number", flat=True))
    names.update(Contract.objects.values_list("number", flat=True))
    names.update(CcaaRegistration.objects.values_list("number", flat=True))
    names.update(Qualification.objects.values_list("number", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


class _Text(HTMLParser):
    """The text a reader sees: no scripts, no styles; the page title included. What a page marks as machine
    text in <code>/<pre> (hashes, signatures, a record's stored data, a command or header to copy) is left
    out too: it is shown verbatim on purpose, to be copied, not read."""

    def __init__(self, *, staff: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._hidden = ("script", "style", "template", "code", "pre")

    def handle_starttag(self, tag, attrs):
        if tag in self._hidden:
            self._skip += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if attrs.get("placeholder"):
            self.parts.append(attrs["placeholder"])

    def handle_endtag(self, tag):
        if tag in self._hidden and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _text(response, *, staff: bool = False) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        body = b"".join(response.streaming_content) if response.streaming else response.content
        return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(body)).pages)
    parser = _Text(staff=staff)
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def _cut(text: str, token: str) -> str:
    """``token`` taken out where it stands alone (R5 is cut, AR5 is left whole)."""
    return re.sub(rf"(?<![\w.-]){re.escape(token)}(?![\w-])", " ", text)


def latin_words(text: str, *, staff: bool, names) -> list[str]:
    """The Latin-script words of ``text`` outside the allow-list (rule keys only for staff)."""
    for name in names:
        text = _cut(text, name) if name.isascii() else text.replace(name, " ")
    if staff:
        # rule keys, and record action codes shown small beside their Chinese label (records/labels.py)
        for key in sorted([*rulebook.all_keys(), *ACTIONS], key=len, reverse=True):
            text = _cut(text, key)
    for pattern in ALLOWED_PATTERNS:
        text = re.sub(pattern, " ", text)
    return [w for w in TOKEN.findall(text)
            if sum(c.isalpha() and c.isascii() for c in w) >= 2 and w not in ALLOWED_WORDS]


def _context(text: str, word: str) -> str:
    at = text.find(word)
    return " ".join(text[max(0, at - 30):at + len(word) + 30].split())


def test_no_latin_words_on_any_page_or_pdf(client, p, world):
    """One world, every persona in turn (building the world is the slow part)."""
    names = _allowed_names()
    leaks, seen, still_owed = {}, {}, {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(p, persona))
        staff = persona not in CLIENTS
        seen[persona] = 0
        for route, name in _patterns():
            if route.startswith("api/") or name in SKIPPED:
                continue
            if re.search(r"<[^>]+>", route) and name not in world:
                pytest.fail(f"{name} ({route}) needs an object: add it to the world or to SKIPPED with a reason")
            url = reverse(name, args=world.get(name, []))
            response = client.get(url)
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if not (kind.startswith("text/html") or kind.startswith("application/pdf")):
                continue
            seen[persona] += 1
            text = _text(response, staff=staff)
            found = latin_words(text, staff=staff, names=names)
            if not staff:  # a rule key is no word (R7.3.3) but must not reach a client either
                found += [k for k in rulebook.all_keys() if re.search(rf"(?<![\w.-]){re.escape(k)}(?![\w.-])", text)]
            debt = PENDING.get(name, set())
            still_owed.setdefault(name, set()).update(w for w in found if w in debt)
            found = [w for w in found if w not in debt]
            if found:
                entry = leaks.setdefault(url, ([], set()))
                entry[0].append(persona)
                entry[1].update(f"{w} «{_context(text, w)}»" for w in found)
    assert all(n >= 3 for n in seen.values()), seen
    paid = {name: words - still_owed.get(name, set()) for name, words in PENDING.items()}
    assert not any(paid.values()), f"fixed, take off PENDING: {paid}"
    assert not leaks, "\n".join(f"{url} ({', '.join(who)}):\n  " + "\n  ".join(sorted(words))
                                for url, (who, words) in leaks.items())
