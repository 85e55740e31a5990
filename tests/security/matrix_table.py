"""The persona matrix's world and expectation table (test_persona_matrix.py).

One entry per web route name and per API operation ("METHOD /path"): who may use it. Persona groups name the
walls of docs/architecture.md; an entry lists the groups and personas allowed, PUBLIC for everyone including
anonymous visitors. The objects are organisation A's (client_a), certified through tests/flow.py; a route
whose object the flow does not produce (a transfer, a suspension proposal …) gets a missing id and is a 404
for everyone (`missing=True`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import SimpleNamespace

DUMP = os.environ.get("TANCERT_MATRIX_DUMP", "")
PERSONAS = ["anonymous", "client_a", "client_b", "reviewer", "planner", "lead", "auditor", "outsider", "expert",
            "decider", "decider_who_audited", "certadmin", "sysadmin"]
STAFF = PERSONAS[3:]
LAST = {"logout"}  # ends the session: asked last, then the persona logs in again
MISSING = 999_999_999_999_999_999
PUBLIC, ANY = "PUBLIC", "ANY"
OFFICE = ["reviewer", "planner", "decider", "certadmin", "sysadmin"]
TEAM = ["lead", "auditor", "expert", "decider_who_audited"]  # on organisation A's audit team
# Organisation A's name and credit code: never in an answer to a persona outside A's wall.
SECRETS_OF_A = ("甲化工", "110108MA0A0001")
OUTSIDE_A = {"anonymous", "client_b", "outsider"}


def build_world() -> SimpleNamespace:
    """Organisation A certified the real way; B with a submitted application of its own; a token per persona."""
    from tancert.audits.models import Audit
    from tancert.ops.models import Notification
    from tancert.people.actions import create_api_token, create_staff_user
    from tancert.people.models import Role
    from tancert.records.models import Event

    from flow import certify, complete_application, enrol_second_factor, register

    def staff(username, *roles):
        return create_staff_user(username, "test-pass-123", roles=list(roles), by=None, display_name=username)

    org_a, client_a = register("甲化工有限公司", "110108MA0A0001", "client_a")
    org_b, client_b = register("乙钢铁有限公司", "110108MA0B0002", "client_b")
    p = SimpleNamespace(
        org_a=org_a, client_a=client_a, org_b=org_b, client_b=client_b,
        reviewer=staff("reviewer", Role.APPLICATION_REVIEWER), planner=staff("planner", Role.PROGRAMME_MANAGER),
        lead=staff("lead", Role.AUDITOR), auditor=staff("auditor", Role.AUDITOR),
        outsider=staff("outsider", Role.AUDITOR), expert=staff("expert", Role.TECHNICAL_EXPERT),
        decider=staff("decider", Role.DECISION_MAKER),
        decider_who_audited=staff("decider2", Role.DECISION_MAKER, Role.AUDITOR),
        certadmin=staff("certadmin", Role.CERTIFICATE_ADMIN), sysadmin=staff("sysadmin", Role.SYSTEM_ADMIN))
    app = complete_application(org_a, client_a)
    from tancert.clients.profile import actions as profile

    profile.add_site(org_a, by=client_a, name="二号厂区", address="北京市海淀区测试路3号")
    cert = certify(app, p)
    complete_application(org_b, client_b)
    s2 = app.audits.get(kind=Audit.STAGE2)
    users = {name: getattr(p, name) for name in PERSONAS if name != "anonymous"}
    for name in STAFF:
        enrol_second_factor(users[name])
    tokens = {name: create_api_token(user, "matrix", by=None)[1] for name, user in users.items()}
    upload = s2.inventories.order_by("version").first()
    item = s2.checklist.items.order_by("position").first()
    evidence = item.evidence.first() if item else None
    finding = s2.findings.first()
    registration = p.lead.ccaa_registrations.first() if hasattr(p.lead, "ccaa_registrations") else None
    cpd = p.lead.cpd_records.first()
    return SimpleNamespace(
        p=p, users=users, tokens=tokens, org=org_a, app=app, cert=cert, s1=app.audits.get(kind=Audit.STAGE1),
        audit=s2, decision=cert.decision if hasattr(cert, "decision") else None,
        doc=app.documents.exclude(file="").first(), upload=upload, item=item,
        evidence=evidence, finding=finding, registration=registration, cpd=cpd,
        event=Event.objects.filter(organisation_id=org_a.pk).order_by("seq").first(),
        note=Notification.objects.filter(recipient=client_a).first(),
        token=client_a.api_tokens.first(), site=org_a.sites.first(), target=app.targets.first())


@dataclass
class E:
    """Who may use a route: persona names and groups; PUBLIC for everyone. `ids`: the route's parameters
    (the object's attribute on the world, or a literal); `method` of the web route."""

    allowed: object = frozenset()
    method: str = "GET"
    ids: dict = field(default_factory=dict)
    query: str = ""  # required query parameters
    missing: bool = False

    def allows(self, persona: str) -> bool:
        allowed = {self.allowed} if isinstance(self.allowed, str) else set(self.allowed)
        return not self.missing and (PUBLIC in allowed or persona in allowed
                                     or (persona != "anonymous" and ANY in allowed))



def dump(seen: list[str]) -> None:
    with open(DUMP, "a", encoding="utf-8") as f:
        f.write("\n".join(seen) + "\n")


def _pk(obj):
    return obj.pk if obj is not None else MISSING


# The value of a path parameter: by name, and for the web's `pk` by the route's first segment.
PK_BY_SEGMENT = {
    "audits": lambda w: w.audit.pk, "applications": lambda w: w.app.pk, "certificates": lambda w: w.cert.pk,
    "organisations": lambda w: w.org.pk, "auditors": lambda w: w.p.lead.pk, "transfers": lambda w: MISSING,
    "decisions": lambda w: MISSING, "complaints": lambda w: MISSING, "notices": lambda w: MISSING, "me": lambda w: _pk(w.token), "accounts": lambda w: w.p.lead.pk,
    "notifications": lambda w: _pk(w.note),
}
BY_NAME = {
    "org_id": lambda w: w.org.pk, "application_id": lambda w: w.app.pk, "app_id": lambda w: w.app.pk,
    "audit_id": lambda w: w.audit.pk, "cert_id": lambda w: w.cert.pk, "decision_id": lambda w: _pk(w.decision),
    "seq": lambda w: w.event.seq, "doc_id": lambda w: w.doc.pk, "finding_id": lambda w: _pk(w.finding),
    "upload_id": lambda w: _pk(w.upload), "entry_id": lambda w: _pk(w.evidence), "version": lambda w: 1,
    "request_id": lambda w: MISSING, "deviation_id": lambda w: MISSING, "complaint_id": lambda w: MISSING, "notice_id": lambda w: MISSING, "appeal_id": lambda w: MISSING, "step": lambda w: "investigator", "proposal_id": lambda w: MISSING, "review_id": lambda w: MISSING,
    "number": lambda w: w.cert.number, "code": lambda w: w.doc.code, "outcome": lambda w: "accept",
    "change": lambda w: "suspend", "day": lambda w: "2026-01-01", "uidb64": lambda w: "MQ",
    "token": lambda w: "set-password", "note_id": lambda w: _pk(w.note), "user_id": lambda w: w.p.lead.pk,
    "item_id": lambda w: _pk(w.item), "kind": lambda w: "svg", "period": lambda w: "2026",
}


def values(world, path: str, params, overrides: dict) -> dict:
    out = {}
    for name in params:
        if name in overrides:
            source = overrides[name]
        elif name == "pk":
            source = PK_BY_SEGMENT[path.strip("/").split("/")[0]]
        else:
            source = BY_NAME[name]
        out[name] = source(world) if callable(source) else source
    return out


CPD = {"kind": "cpd", "item_id": lambda w: w.cpd.pk}  # the lead's continuing education record
SITE = {"kind": "site", "item_id": lambda w: _pk(w.site)}  # organisation A's site

# Mutations probed with an empty body: an operation that validates its input before its wall answers 422 (or the
# page's form error, 302) to everyone, so the table lists every persona for it; the wall is the action's, tested
# with real input in the feature's tests. What this matrix holds for them: never a 500, never a record appended
# for a persona refused, and the walls of every GET.
WEB: dict[str, E] = {
    "set_language": E(PUBLIC),
    "home": E(PUBLIC),
    "service_worker": E(PUBLIC),  # the script only; it answers from a person's own cache (docs/audits.md §5)
    "offline_page": E(PUBLIC),
    "offline_today": E({*STAFF}),  # each person's own audits of today; clients 403
    "signup": E(PUBLIC),
    "login": E(PUBLIC),
    "organisation": E({*OFFICE, *TEAM, 'client_a'}),
    "me": E(ANY),
    "auditors": E({*OFFICE, *TEAM, 'outsider'}),
    "auditor": E({*OFFICE, 'lead', 'decider_who_audited'}),
    "otp_verify": E(ANY),  # anonymous: to the login; everyone else: on (verified, or not asked)
    "otp_enrol": E(ANY),
    "password_change": E(ANY),
    "password_reset": E(PUBLIC),
    "password_reset_done": E(PUBLIC),
    "password_reset_confirm": E(PUBLIC),
    "password_reset_complete": E(PUBLIC),
    "accounts": E({'sysadmin'}),
    "notifications": E(ANY),
    "calendar": E({'sysadmin'}),
    "records": E({*OFFICE, 'decider_who_audited'}),
    "event": E({*OFFICE, 'decider_who_audited'}),
    "organisations": E(ANY),
    "organisation_archive": E({*OFFICE, 'decider_who_audited'}),
    "applications": E(ANY),
    "application_new": E({'client_a', 'client_b'}),
    "application": E({*OFFICE, *TEAM, 'client_a'}),
    "document_download": E({*OFFICE, *TEAM, 'client_a'}),
    "application_eligibility": E({*OFFICE, *TEAM, 'client_a'}),
    "contract_pdf": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "audits": E(ANY),
    "audit": E({*OFFICE, *TEAM, 'client_a'}),
    "audit_checklist": E({*OFFICE, *TEAM}),
    "evidence_file": E(missing=True),
    "audit_stage1": E({*OFFICE, *TEAM}, ids={"pk": lambda w: w.s1.pk}),  # the stage 1 record
    "audit_plan": E({'planner'}),
    "programme": E({'planner'}),
    "audit_plan_pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "audit_agenda": E({'planner', 'lead'}),
    "my_audits": E({*TEAM, 'outsider'}),
    "audit_calendar": E({'planner'}),
    "auditor_calendar": E({'planner'}),
    "audit_carbon": E({*TEAM, 'client_a'}),
    "audit_carbon_file": E({*TEAM, 'client_a'}),
    "audit_carbon_template": E({*TEAM, 'client_a'}, ids={"key": "ghg-inventory"}),
    "audit_report": E({*OFFICE, *TEAM, 'client_a'}),
    "audit_report_pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "decisions": E({*OFFICE, 'decider_who_audited'}),
    "decision_page": E({*OFFICE, 'decider_who_audited'}),
    "certificates": E(ANY),
    "certificate_dashboard": E({*OFFICE, 'decider_who_audited'}),
    "regulator_export": E({'certadmin', 'sysadmin'}),
    "mark_rules": E(PUBLIC),
    "certificate_mark": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "transfers": E({*OFFICE, 'decider_who_audited'}),
    "transfer": E(missing=True),
    "register": E(PUBLIC),
    "seal_public_key": E(PUBLIC),
    "records_head": E(PUBLIC),
    "register_certificate": E(PUBLIC),
    "register_version": E(PUBLIC),
    "signing_certificate": E(PUBLIC),
    "register_verify": E(PUBLIC),
    "verifier_script": E(PUBLIC),
    "transparency_log": E(PUBLIC),
    "certificate_serious_event": E({'client_a'}),
    "certificate": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_pdf_en": E(missing=True),
    "logout": E(PUBLIC),
    "token_create": E(ANY),
    "token_revoke": E({'client_a'}),
    "auditors_cpd_plan": E({'planner', 'sysadmin'}),
    "auditors_qualification_type": E({'sysadmin'}),
    "auditor_add": E({'planner', 'sysadmin'}, ids=CPD),
    "auditor_remove": E({'planner', 'sysadmin'}, ids=CPD),
    "auditor_cpd_complete": E({'planner', 'sysadmin'}, ids=CPD),
    "otp_recovery_codes": E(ANY),
    "accounts_unlock": E({'sysadmin'}),
    "accounts_remove_second_factor": E({'sysadmin'}),
    "accounts_user_new": E({'sysadmin'}),
    "accounts_user": E({'sysadmin'}),
    "accounts_user_roles": E({'sysadmin'}),
    "accounts_user_deactivate": E({'sysadmin'}),
    "accounts_user_reactivate": E({'sysadmin'}),
    "me_notice_email": E(ANY),
    "notifications_read_all": E(ANY),
    "notification_open": E({'client_a'}),  # one of client_a's notices: everyone else's is a 404
    "notification_read": E({'client_a'}),
    "calendar_set": E({'sysadmin'}),
    "calendar_remove": E({'sysadmin'}),
    "event_attach": E(ANY),
    "document_upload": E({*OFFICE, *TEAM, 'client_a'}),
    "documents_upload_all": E({*OFFICE, *TEAM, 'client_a'}),
    "document_not_applicable": E({'client_a'}),
    "commitment": E({*OFFICE, *TEAM, 'client_a'}),
    "application_details": E({*OFFICE, *TEAM, 'client_a'}),
    "application_simple_process": E({*OFFICE, *TEAM, 'client_a'}),
    "application_scope_levels": E({*OFFICE, *TEAM, 'client_a'}),
    "application_data_add": E({*OFFICE, *TEAM, 'client_a'}, ids=SITE),
    "application_data_remove": E({'client_a'}, ids=SITE),
    "contract_sign": E({*OFFICE, *TEAM, 'client_a'}),
    "contract_payment": E({*OFFICE, *TEAM}),
    "application_submit": E({'client_a'}),
    "application_review": E({'reviewer'}),
    "audit_complete": E({*OFFICE, *TEAM, 'client_a'}),
    "finding_raise": E({*OFFICE, *TEAM, 'client_a'}),
    "finding_respond": E(missing=True),
    "finding_review": E(missing=True),
    "finding_recheck": E(missing=True),  # the world's audit raises no finding to carry forward
    "checklist_answer": E({*TEAM}),
    "checklist_evidence": E({*TEAM}),
    "checklist_finding": E({*TEAM}),
    "audit_checkin": E({*TEAM}),
    "audit_checkin_setting": E({'planner', 'lead'}),
    "audit_checkin_explain": E({*TEAM, 'planner'}),
    "audit_confirm_team": E({'planner'}),
    "audit_move": E({'planner'}),
    "audit_issue_plan": E({'planner', 'lead'}),
    "audit_plan_answer": E({'client_a'}),
    "audit_carbon_upload": E({*TEAM, 'client_a'}),
    "audit_carbon_freeze": E({*TEAM}),
    "audit_carbon_check": E({*TEAM, 'client_a'}),
    "audit_carbon_confirm": E({*TEAM, 'client_a'}),
    "audit_carbon_dismiss": E({*TEAM, 'client_a'}),
    "audit_carbon_monte_carlo": E({*TEAM, 'client_a'}),  # the wall; the action wants the team
    "audit_carbon_meters": E({*TEAM, 'client_a'}),
    # A scope level's workbook (audits/carbon/levels): organisation A's CMS covers no level, so the upload and the
    # leader's freeze are refused by their rule after the wall, and no level upload exists to answer or download.
    "audit_level_upload": E({*TEAM, 'client_a'}, ids={"level": "product"}),
    "audit_level_freeze": E({'lead'}, ids={"level": "product"}),
    "audit_level_confirm": E(missing=True, ids={"level": "product"}),
    "audit_level_dismiss": E(missing=True, ids={"level": "product"}),
    "audit_level_file": E(missing=True, ids={"level": "product"}),
    "certificate_issue": E({'certadmin'}),
    "decide": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_misuse": E({*OFFICE, *TEAM, 'client_a'}),
    "proposal_accept": E(missing=True),
    "proposal_dismiss": E(missing=True),
    "certificate_renew": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_change_request": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_change_review": E(missing=True),
    "certificate_english": E({'client_a', 'certadmin'}),
    "certificate_change_decide": E(missing=True),
    "certificate_lifecycle": E({*OFFICE, *TEAM, 'client_a'}),
    "certificate_evidence": E({'client_a'}),  # the page; sending needs a suspended certificate (the action's check)
    "passkey_recovery_codes": E(ANY),  # nothing waiting: back to where the user came from
    "passkey_register_begin": E(ANY),
    "passkey_register_complete": E(ANY),
    "passkey_verify_begin": E(ANY),
    "passkey_verify_complete": E(ANY),
    "passkey_remove": E(missing=True),  # someone's own passkeys only: another's or a missing one is a 404
    "remote_deviation_request": E({*OFFICE, *TEAM}),
    "remote_deviation_decide": E(missing=True),
    "complaints_process": E(PUBLIC),
    "complaint_public": E(PUBLIC),  # anyone may complain about a certificate in the register
    "complaints": E(ANY),  # each sees only their own (access.complaints_for)
    "complaint": E(missing=True),
    "complaint_step": E(missing=True),
    "notices": E(ANY),  # each sees only their own (notices.access.notices_for)
    "notice": E(missing=True),
    "notice_resolve": E(missing=True),
    "notice_new": E({'client_a'}),  # only the holder notifies on its certificate
    "appeal_new": E(missing=True),  # the form opens for a decision or certificate action to appeal (?decision=…)
    "appeal": E(missing=True),
    "appeal_decide": E(missing=True),
    # The lists' exports (ui/lists.py): the rows of the page behind the same wall (a client its own, an outsider none).
    "records_export": E({*OFFICE, 'decider_who_audited'}),
    "organisations_export": E(ANY),
    "applications_export": E(ANY),
    "audits_export": E(ANY),
    "findings": E(ANY),  # each sees the findings of the audits behind its wall
    "findings_export": E(ANY),
    "certificates_export": E(ANY),
    "complaints_export": E(ANY),
    "auditors_export": E({*OFFICE, 'decider_who_audited'}),
    "checklist_conform_rest": E({*TEAM}),  # A's audit is closed: the action's message, nothing written
}

API: dict[str, E] = {
    "GET /public/certificates/{number}": E(PUBLIC),
    "GET /public/certificates/{number}/history": E(PUBLIC),
    "GET /public/certificates": E(PUBLIC, query="?q=%E7%94%B2%E5%8C%96%E5%B7%A5"),
    "GET /public/seal-key": E(PUBLIC),
    "GET /public/records/head": E(PUBLIC),
    "GET /public/certificates/{number}/status": E(PUBLIC),
    "GET /public/transparency/sth": E(PUBLIC),
    "GET /public/transparency/entries": E(PUBLIC),
    "GET /public/transparency/certificates/{number}": E(PUBLIC),
    "GET /public/transparency/proof/inclusion": E(PUBLIC, query="?index=0&tree_size=1"),
    "GET /public/transparency/proof/consistency": E(PUBLIC, query="?first=1&second=1"),
    "POST /organisations/register": E(PUBLIC),
    "GET /organisations": E(ANY),
    "POST /projects/check": E(ANY),  # stateless: a workbook in, its figures out; nothing of anyone else's
    "POST /events/check": E(ANY),
    "POST /events/register": E(ANY),  # a body is needed first; the wall (clients only) is in tests/levels
    "GET /projects/template": E(ANY),
    "GET /events/template": E(ANY),
    "GET /organisations/{org_id}": E({*OFFICE, *TEAM, 'client_a'}),
    "PATCH /organisations/{org_id}": E({'client_a'}),
    "GET /organisations/{org_id}/records": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "POST /footprints/check": E(ANY),
    "POST /applications": E(ANY),
    "GET /applications": E(ANY),
    "GET /applications/{app_id}": E({*OFFICE, *TEAM, 'client_a'}),
    "PATCH /applications/{app_id}": E({'client_a'}),
    "GET /applications/{app_id}/documents": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /applications/{app_id}/documents/{code}": E(ANY),
    "POST /applications/{app_id}/documents/{code}/not-applicable": E(ANY),
    "POST /applications/{app_id}/commitment": E(ANY),
    "GET /applications/{app_id}/eligibility": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /applications/{app_id}/submit": E({'client_a'}),
    "POST /applications/{app_id}/supplement": E(ANY),
    "POST /applications/{app_id}/accept": E({'reviewer'}),
    "POST /applications/{app_id}/reject": E({'reviewer'}),
    "POST /organisations/{org_id}/sites": E(ANY),
    "POST /organisations/{org_id}/certifications": E(ANY),
    "POST /organisations/{org_id}/carbon-market-years": E(ANY),
    "POST /applications/{app_id}/targets": E(ANY),
    "POST /applications/{app_id}/action-plans": E(ANY),
    "DELETE /application-data/{kind}/{item_id}": E({"client_a"}, ids=SITE),
    "POST /applications/{app_id}/simple-process-judgement": E(ANY),
    "GET /applications/{app_id}/scope-levels": E({*OFFICE, *TEAM, 'client_a'}),
    "PUT /applications/{app_id}/scope-levels": E(ANY),
    "GET /scope-levels/standards": E(ANY),
    "GET /applications/{app_id}/contract": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "GET /applications/{app_id}/contract/pdf": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "POST /applications/{app_id}/contract/sign": E(ANY),
    "POST /applications/{app_id}/contract/payment": E(ANY),
    "GET /notifications": E(ANY),
    "POST /notifications/{note_id}/read": E(ANY),
    "GET /calendar": E(ANY),
    "POST /calendar": E(ANY),
    "DELETE /calendar/{day}": E({'sysadmin'}),
    "GET /workdays": E(ANY, query="?start=2026-01-05&days=3"),
    "GET /auditors": E({*OFFICE, *TEAM, 'outsider'}),
    "GET /auditors/{user_id}": E({*OFFICE, 'lead', 'decider_who_audited'}),
    "POST /auditors/{user_id}/registrations": E(ANY),
    "POST /auditors/{user_id}/qualifications": E(ANY),
    "POST /auditors/{user_id}/experience": E(ANY),
    "POST /auditors/{user_id}/competences": E(ANY),
    "POST /auditors/{user_id}/cpd": E(ANY),
    "POST /auditors/{user_id}/cpd/{entry_id}/complete": E(ANY),
    "POST /auditors/{user_id}/conflicts": E(ANY),
    "POST /auditors/{user_id}/unavailability": E(ANY),
    "DELETE /auditors/{user_id}/{kind}/{entry_id}": E(missing=True),
    "GET /cpd-plans": E({*OFFICE, *TEAM, 'outsider'}),
    "POST /cpd-plans": E(ANY),
    "GET /qualification-types": E({*OFFICE, *TEAM, 'outsider'}),
    "POST /qualification-types": E(ANY),
    "POST /audits": E(ANY),
    "GET /audits": E(ANY),
    "GET /audits/{audit_id}": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /audits/{audit_id}/findings": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /audits/{audit_id}/findings": E(ANY),
    "GET /audits/{audit_id}/remote-deviations": E({*OFFICE, *TEAM}),
    "GET /complaints": E(ANY),  # each sees only their own
    "GET /complaints/{complaint_id}": E(missing=True),
    "POST /complaints": E(ANY),
    "POST /complaints/{complaint_id}/investigator": E(ANY),
    "POST /complaints/{complaint_id}/findings": E(ANY),
    "POST /complaints/{complaint_id}/decision": E(ANY),
    "GET /notices": E(ANY),  # each sees only their own
    "POST /notices": E(ANY),
    "GET /notices/{notice_id}": E(missing=True),
    "POST /notices/{notice_id}/resolution": E(ANY),
    "GET /appeals": E(ANY),
    "GET /appeals/{appeal_id}": E(missing=True),
    "POST /appeals": E(ANY),
    "POST /appeals/{appeal_id}/decision": E(ANY),
    "POST /public/certificates/{number}/complaints": E(PUBLIC),
    "POST /audits/{audit_id}/remote-deviations": E(ANY),
    "POST /audits/{audit_id}/remote-deviations/{deviation_id}/decision": E(ANY),
    "POST /audits/{audit_id}/complete": E(ANY),
    "POST /findings/{finding_id}/response": E(ANY),
    "POST /findings/{finding_id}/review": E(ANY),
    "GET /audits/{audit_id}/stage1": E({*OFFICE, *TEAM}),
    "PUT /audits/{audit_id}/stage1": E(ANY),
    "GET /audits/{audit_id}/checklist": E({*OFFICE, *TEAM}),
    "POST /audits/{audit_id}/checklist": E({*TEAM}),
    "POST /checklist-items/{item_id}/answer": E(ANY),
    "POST /checklist-items/{item_id}/evidence": E(ANY),
    "POST /checklist-items/{item_id}/evidence/upload": E(ANY),
    "POST /audits/{audit_id}/checklist/sync": E(ANY),
    "GET /audits/{audit_id}/report-items": E({*OFFICE, *TEAM}),
    "GET /audits/{audit_id}/checkins": E({*OFFICE, *TEAM}),
    "POST /audits/{audit_id}/checkins": E(ANY),
    "PUT /audits/{audit_id}/checkin-setting": E(ANY),
    "GET /audits/{audit_id}/checkin-anomalies": E({*OFFICE, *TEAM}),
    "POST /audits/{audit_id}/checkin-explanations": E(ANY),
    "POST /findings/{finding_id}/response/upload": E(ANY),
    "GET /organisations/{org_id}/programme": E(missing=True),
    "POST /organisations/{org_id}/programme": E({'planner'}),
    "POST /programme-entries/{entry_id}/replan": E(ANY),
    "POST /organisations/{org_id}/programme/extra": E(ANY),
    "POST /planning/audit-time": E({*OFFICE, *TEAM, 'outsider'}),
    "POST /planning/team-check": E(ANY),
    "POST /planning/team-suggestion": E(ANY),
    "POST /audits/{audit_id}/replan": E(ANY),
    "POST /audits/{audit_id}/confirm-team": E({'planner'}),
    "POST /audits/{audit_id}/plan-documents": E({'planner', 'lead'}),
    "GET /audits/{audit_id}/plan-documents/{version}/pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /audits/{audit_id}/agenda": E({*OFFICE, *TEAM}),
    "PUT /audits/{audit_id}/agenda": E({'planner', 'lead'}),
    "POST /audits/{audit_id}/plan-documents/{version}/answer": E({'client_a'}),
    "GET /audits/{audit_id}/plan-documents/{version}/answer": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /planning/calendar/mine": E({*OFFICE, *TEAM, 'outsider'}),
    "GET /planning/calendar/body": E({'planner'}),
    "GET /planning/calendar/auditors": E({'planner'}),
    "GET /planning/calendar/mine/month": E({*TEAM, 'outsider'}),
    "POST /audits/{audit_id}/inventories": E(ANY),
    "GET /audits/{audit_id}/inventories": E({*TEAM, 'client_a'}),
    "GET /audits/{audit_id}/inventories/{version}/sample": E({*TEAM, 'client_a'}),
    "GET /audits/{audit_id}/inventories/{version}/file": E({*TEAM, 'client_a'}),
    "POST /audits/{audit_id}/inventories/{version}/checks": E(ANY),
    "GET /audits/{audit_id}/inventories/{version}/checks": E({*TEAM, 'client_a'}),
    "POST /audits/{audit_id}/inventories/{version}/confirm": E(ANY),
    "POST /audits/{audit_id}/inventories/{version}/dismiss": E(ANY),
    "POST /audits/{audit_id}/frozen-figures": E({*TEAM}),
    "GET /audits/{audit_id}/frozen-figures": E({*TEAM, 'client_a'}),
    "POST /audits/{audit_id}/inventories/{version}/meter-series": E(ANY),
    "GET /audits/{audit_id}/inventories/{version}/meter-series": E({*TEAM, 'client_a'}),
    "GET /audits/{audit_id}/carbon/cycle": E({*TEAM, 'client_a'}),
    # A scope level's workbook over the API (api/audit_levels.py); A's CMS covers no level (as on the pages).
    "POST /audits/{audit_id}/levels/{level}/uploads": E(ANY, ids={"level": "product"}),
    "GET /audits/{audit_id}/levels/{level}/uploads": E({*TEAM, 'client_a'}, ids={"level": "product"}),
    "GET /audits/{audit_id}/levels/{level}/uploads/{version}/file": E(missing=True, ids={"level": "product"}),
    "POST /audits/{audit_id}/levels/{level}/uploads/{version}/confirm": E(ANY, ids={"level": "product"}),
    "POST /audits/{audit_id}/levels/{level}/uploads/{version}/dismiss": E(ANY, ids={"level": "product"}),
    "POST /audits/{audit_id}/levels/{level}/frozen-figures": E({'lead'}, ids={"level": "product"}),
    "GET /audits/{audit_id}/levels/{level}/frozen-figures": E({*TEAM, 'client_a'}, ids={"level": "product"}),
    "POST /audits/{audit_id}/reports": E(ANY),
    "GET /audits/{audit_id}/reports": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /audits/{audit_id}/reports/{version}/pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /audits/{audit_id}/decision": E(ANY),
    "GET /decisions": E(ANY),
    "POST /decisions/{decision_id}/certificate": E({'certadmin'}),
    "GET /certificates": E(ANY),
    "GET /certificates/{cert_id}": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /certificates/{cert_id}/pdf": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /certificates/{cert_id}/suspend": E(ANY),
    "POST /certificates/{cert_id}/restore": E(ANY),
    "POST /certificates/{cert_id}/withdraw": E(ANY),
    "POST /certificates/{cert_id}/cancel": E(ANY),
    "GET /decision-queue": E(ANY),
    "POST /certificates/{cert_id}/renewal": E({*OFFICE, *TEAM, 'client_a'}),
    "GET /certificates/{cert_id}/change-requests": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /certificates/{cert_id}/change-requests": E(ANY),
    "POST /change-requests/{request_id}/review": E(ANY),
    "POST /change-requests/{request_id}/decide": E(ANY),
    "POST /certificates/{cert_id}/change": E(ANY),
    "POST /certificates/{cert_id}/english": E({'client_a', 'certadmin'}),
    "GET /certificates-dashboard": E({*OFFICE, 'decider_who_audited'}),
    "GET /suspension-proposals": E({'decider', 'decider_who_audited'}),
    "POST /suspension-proposals/{proposal_id}/accept": E(ANY),
    "POST /suspension-proposals/{proposal_id}/dismiss": E(ANY),
    "POST /certificates/{cert_id}/serious-events": E(ANY),
    "GET /transfers": E({*OFFICE, 'decider_who_audited'}),
    "POST /transfers": E(ANY),
    "POST /transfers/{review_id}/decision": E(ANY),
    "GET /certificates/{cert_id}/mark.{kind}": E({*OFFICE, 'client_a', 'decider_who_audited'}),
    "GET /certificates/{cert_id}/mark-misuse": E({*OFFICE, *TEAM, 'client_a'}),
    "POST /certificates/{cert_id}/mark-misuse": E(ANY),
    "GET /regulator-export/{period}": E({'certadmin', 'sysadmin'}, ids={"period": "2026-01"}),
    "GET /records/verify": E({*OFFICE, 'decider_who_audited'}),
    "POST /me/tokens": E(ANY),
    "POST /records/{seq}/originals": E(ANY),
}
