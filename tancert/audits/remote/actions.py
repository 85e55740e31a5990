"""Remote audit deviation (IAF MD4:2023): the request, its approval or rejection, and the gate that lets
an audit of an on-site type use remote techniques only with an approved deviation (docs/audits.md,
"Remote audit deviation").

The scheme holds stage 2 (R7.4.1-S2), surveillance (R8.1.2) and recertification (R8.2.1) at the
organisation's site; a remote stage 1 is an off-site stage 1 under O1–O3 (R7.4.1-S1-offsite), never a
deviation. IAF MD4 lets a body use information and communication technology in an audit on the basis of
a risk assessment; this body allows it only as an exception, when its policy switch is on, recorded and
approved by a second person — never as the default method of an audit type.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.checklists import items as policy_file
from tancert.audits.models import Audit, RemoteDeviation
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

# The on-site rule of each audit type that a deviation departs from (the same keys as planning's gate).
ON_SITE_KEY = {Audit.STAGE2: "R7.4.1-S2", Audit.SURVEILLANCE: "R8.1.2", Audit.RECERTIFICATION: "R8.2.1",
               Audit.SPECIAL: "R7.4.3"}
REQUESTER = Role.PROGRAMME_MANAGER
# Who approves: the body's decision maker or its system administrator (technical manager) — a person
# outside the planning of the audit, and never the one who asked.
APPROVERS = (Role.DECISION_MAKER, Role.SYSTEM_ADMIN)
METHOD_ZH = {"FS02": "远程审核（FS02）", "FS03": "现场与远程结合（FS03）"}
REASON_ZH = {RemoteDeviation.DISASTER: "自然灾害", RemoteDeviation.EPIDEMIC: "疫情或政府出行限制",
             RemoteDeviation.SAFETY: "审核组人身安全风险", RemoteDeviation.OTHER: "其他不可控的特殊事件"}
SOURCE = "IAF MD4:2023"


def deviations_allowed() -> bool:
    """The body's policy switch (audits/checklists/data/policy.json, ``remote_deviation.allowed``); off
    unless the body turns it on."""
    return policy_file.load_policy().get("remote_deviation", {}).get("allowed") is True


def on_site_key(audit: Audit) -> str:
    return ON_SITE_KEY.get(audit.kind, "R7.4.3")


def approved_deviation(audit: Audit) -> RemoteDeviation | None:
    return audit.remote_deviations.filter(status=RemoteDeviation.APPROVED).first()


def require_method_allowed(audit: Audit) -> None:
    """An audit of an on-site type runs remote or mixed only under its approved deviation for that method
    (a method changed any other way — the admin, the database — is refused here, before the plan is
    issued and before the audit is closed)."""
    if audit.kind == Audit.STAGE1 or audit.method == "FS01":
        return  # stage 1 off site is O1–O3's business (planning checks it)
    approved = audit.remote_deviations.filter(status=RemoteDeviation.APPROVED, method=audit.method).exists()
    # enforces: R7.4.1-S2 R8.1.2 R8.2.1
    require(approved, on_site_key(audit),
            _("This audit is held at the organisation's site: a remote or mixed method needs an approved "
              "remote audit deviation."), field="method")


def request_deviation(audit: Audit, *, by, method: str, reason: str, explanation: str, ict_means: str,
                      ict_tested: bool, security: str, not_remote: str) -> RemoteDeviation:
    """The programme manager asks to use remote techniques for this one audit, with the IAF MD4 risk
    assessment: the ICT means, ICT available and tested at both sides, confidentiality and security, and
    what cannot be seen remotely and how it is covered."""
    require_role(by, REQUESTER)
    key = on_site_key(audit)
    require(audit.kind != Audit.STAGE1, "R7.4.1-S1-offsite",
            _("A stage 1 away from the site is an off-site stage 1 under one of O1–O3, planned as such; it is "
              "not a deviation."), field="kind")
    require(deviations_allowed(), key,
            _("The body's policy does not allow remote audit deviations: this audit is held at the "
              "organisation's site."), field="method")
    require(audit.status == Audit.PLANNED, key,
            _("A deviation is requested before the audit starts."), field="status")
    require(method in dict(RemoteDeviation.METHODS), key, _("Choose remote (FS02) or mixed (FS03)."),
            field="method")
    require(reason in dict(RemoteDeviation.REASONS), key,
            _("Choose the exceptional circumstance from the list."), field="reason")
    texts = {"explanation": explanation, "ict_means": ict_means, "security": security, "not_remote": not_remote}
    texts = {k: (v or "").strip() for k, v in texts.items()}
    messages = {
        "explanation": _("Explain the circumstance: what happened, where, and until when."),
        "ict_means": _("Name the ICT means: the tools, the connection and how evidence is shown."),
        "security": _("Say how confidentiality and information security are kept."),
        "not_remote": _("Say which sites and activities cannot be seen remotely and how they are covered."),
    }
    for name, text in texts.items():
        require(bool(text), key, messages[name], field=name)
    require(bool(ict_tested), key,
            _("Remote techniques need ICT available and tested at both sides (IAF MD4): test it first."),
            field="ict_tested")
    try:
        with transaction.atomic():
            locked = Audit.objects.select_for_update().get(pk=audit.pk)
            require(not locked.remote_deviations.filter(status__in=RemoteDeviation.OPEN).exists(), key,
                    _("This audit already has a deviation awaiting approval or in force."), field="method")
            dev = RemoteDeviation.objects.create(audit=locked, method=method, reason=reason, ict_tested=True,
                                                 requested_by=by, **texts)
            chain.append("audit.remote_deviation_requested", subject=locked, by=by,
                         organisation=locked.organisation_id,
                         summary=f"申请{locked.get_kind_display()}远程审核偏离（{METHOD_ZH[method]}），"
                                 f"特殊情况：{REASON_ZH[reason]}；{texts['explanation']}",
                         data={"deviation": dev.pk, "method": method, "reason": reason, "source": SOURCE,
                               "ict_tested": True, **texts})
    except IntegrityError:  # the loser of two simultaneous requests (one_open_remote_deviation_per_audit)
        raise RuleViolation(key, _("This audit already has a deviation awaiting approval or in force."),
                            field="method") from None
    return dev


def decide_deviation(deviation: RemoteDeviation, *, by, approve: bool, reason: str) -> RemoteDeviation:
    """A decision maker or the system administrator, not the requester, approves or rejects with the
    reason. Approval sets the audit's method; a rejection leaves it on site."""
    require_role(by, *APPROVERS)
    key = on_site_key(deviation.audit)
    reason = (reason or "").strip()
    require(by.pk != deviation.requested_by_id, key,
            _("The deviation is approved by someone other than the person who requested it."), field="decision")
    require(bool(reason), key, _("Give the reason for the decision."), field="reason")
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=deviation.audit_id)
        dev = RemoteDeviation.objects.select_for_update().get(pk=deviation.pk)
        require(dev.status == RemoteDeviation.REQUESTED, key, _("This request has already been decided."),
                field="decision")
        require(not approve or audit.status == Audit.PLANNED, key,
                _("The audit has already started: the deviation can only be rejected."), field="decision")
        require(not approve or deviations_allowed(), key,
                _("The body's policy does not allow remote audit deviations: this audit is held at the "
                  "organisation's site."), field="decision")
        dev.status = RemoteDeviation.APPROVED if approve else RemoteDeviation.REJECTED
        dev.decided_by, dev.decided_at, dev.decision_reason = by, timezone.now(), reason
        dev.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        if approve:
            previous = audit.method
            audit.method = dev.method
            audit.save(update_fields=["method"])
        verdict = "批准" if approve else "驳回"
        chain.append("audit.remote_deviation_decided", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"{verdict}{audit.get_kind_display()}远程审核偏离（{METHOD_ZH[dev.method]}），"
                             f"理由：{reason}",
                     data={"deviation": dev.pk, "approved": approve, "reason": reason, "source": SOURCE,
                           **({"method": [previous, dev.method]} if approve else {})})
    deviation.refresh_from_db()
    return dev


def statement_zh(audit: Audit) -> str:
    """The line for the audit plan and the report: "远程审核偏离，已于…批准" with the circumstance and what
    is covered how; empty when the audit has no approved deviation."""
    dev = approved_deviation(audit)
    if dev is None or dev.decided_at is None:
        return ""
    day = timezone.localtime(dev.decided_at).date().isoformat()
    approver = dev.decided_by.get_full_name() or dev.decided_by.username
    return (f"远程审核偏离，已于 {day} 批准（{METHOD_ZH[dev.method]}；批准人：{approver}；依据 {SOURCE}）。"
            f"特殊情况：{REASON_ZH[dev.reason]}——{dev.explanation}。信息和通信技术：{dev.ict_means}。"
            f"无法远程观察的场所和活动及其覆盖方式：{dev.not_remote}")
