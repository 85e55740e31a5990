"""Which notices the certificates' recorded steps mean (the table: ops/notifications/table.py; the trigger:
ops/notifications/triggers.py), in Chinese like the records (RR-language). Registered when the app is ready."""

from __future__ import annotations

from django.utils import translation

from tancert.certificates.complaints.actions import KIND_ZH, OUTCOME_ZH
from tancert.certificates.models import (
    Appeal,
    Certificate,
    ChangeRequest,
    ClientNotice,
    Complaint,
    Decision,
    MarkMisuse,
    TransferReview,
)
from tancert.certificates.proposals.actions import SOURCE_ZH
from tancert.ops.notifications.triggers import on
from tancert.people.models import User


def _cert(ev) -> Certificate:
    return Certificate.objects.select_related("organisation").get(pk=ev.subject_id)


def _about(cert) -> dict:
    return {"organisation": cert.organisation, "certificate": cert}


@on("decision.made")
def decided(ev):
    decision = Decision.objects.select_related("audit__organisation").get(pk=ev.subject_id)
    if decision.audit_id is None:  # a transfer's decision: transfer.decided tells the certificate administrators
        return []
    with translation.override("zh-hans"):
        label = str(decision.get_outcome_display())
    # The client reads the audit report once the decision is made (audits/report/actions.can_open).
    out = [("decision.made", {"audit": decision.audit, "outcome": label,
                              "reason": f"{decision.reason}。" if decision.reason else ""})]
    if decision.grants:
        out.append(("decision.to_issue", {"audit": decision.audit, "outcome": label}))
    return out


@on("certificate.issued")
def issued(ev):
    return [("certificate.issued", _about(_cert(ev)))]


@on("certificate.mark_misuse")
def mark_misuse(ev):
    m = MarkMisuse.objects.get(pk=ev.data["misuse"])
    return [("certificate.mark_misuse", {**_about(_cert(ev)), "description": m.description, "action": m.action})]


@on("certificate.change_requested")
def change_requested(ev):
    return [("certificate.change_requested", _about(_cert(ev)))]


@on("certificate.change_proposed")
def change_proposed(ev):
    return [("certificate.change_to_decide", _about(_cert(ev)))]


@on("certificate.change_reviewed")
def change_reviewed(ev):
    cert = _cert(ev)
    if ev.data.get("approve"):
        return [("certificate.change_to_decide", _about(cert))]
    note = ChangeRequest.objects.get(pk=ev.data["request"]).review_note
    return [("certificate.change_refused", {**_about(cert), "note": note})]


@on("certificate.change_decided")
def change_decided(ev):
    note = ChangeRequest.objects.get(pk=ev.data["request"]).decision_note
    return [("certificate.change_decided", {**_about(_cert(ev)), "note": note,
                                            "verdict": "已批准" if ev.data.get("approve") else "未获批准"})]


@on("certificate.suspension_proposed")
def suspension_proposed(ev):
    d = ev.data
    return [("certificate.suspension_proposed", {**_about(_cert(ev)), "trigger": d["trigger"],
                                                 "source": SOURCE_ZH.get(d["source"], ""),
                                                 "detail": (d.get("detail") or "")[:300]})]


@on("transfer.reviewed")
def transfer_reviewed(ev):
    review = TransferReview.objects.select_related("organisation").get(pk=ev.subject_id)
    return [("transfer.to_decide", {"organisation": review.organisation, "review": review})]


@on("transfer.decided")
def transfer_decided(ev):
    review = TransferReview.objects.select_related("organisation").get(pk=ev.subject_id)
    return [("transfer.accepted", {"organisation": review.organisation})] if ev.data.get("accept") else []


def _complaint(ev) -> Complaint:
    return Complaint.objects.get(pk=ev.subject_id)


@on("complaint.lodged")
def complaint_lodged(ev):
    c = _complaint(ev)
    out = [("complaint.lodged", {"complaint": c, "text": c.text[:300]})]
    if c.lodged_by_id:  # signed in; an outsider is answered by e-mail (complaints/actions._mail_outsider)
        out.append(("complaint.acknowledged", {"complaint": c, "users": [c.lodged_by], "text":
                    f"您的投诉已受理，编号 {c.reference}。我们将在 {c.respond_by.isoformat()} 前答复。"}))
    return out


@on("complaint.investigator_assigned")
def complaint_assigned(ev):
    c = _complaint(ev)
    investigator = User.objects.get(pk=ev.data["investigator"])
    return [("complaint.assigned", {"complaint": c, "users": [investigator], "text": c.text[:300]})]


@on("complaint.investigated")
def complaint_investigated(ev):
    return [("complaint.investigated", {"complaint": _complaint(ev), "text": (ev.data.get("findings") or "")[:300]})]


@on("complaint.decided")
def complaint_decided(ev):
    c = _complaint(ev)
    if not c.lodged_by_id or c.channel == Complaint.STAFF:
        return []  # an outsider is answered by e-mail (complaints/actions._mail_outsider)
    return [("complaint.decided", {"complaint": c, "users": [c.lodged_by], "text": ev.data.get("response", ""),
                                   "outcome": OUTCOME_ZH.get(ev.data.get("outcome"), "")})]


@on("appeal.lodged")
def appeal_lodged(ev):
    a = Appeal.objects.get(pk=ev.subject_id)
    return [("appeal.lodged", {"appeal": a, "kind": KIND_ZH.get(a.kind, ""), "text": a.grounds[:300]}),
            ("appeal.acknowledged", {"appeal": a, "users": [a.lodged_by]})]


@on("appeal.decided")
def appeal_decided(ev):
    a = Appeal.objects.get(pk=ev.subject_id)
    out = [("appeal.decided", {"appeal": a, "users": [a.lodged_by], "outcome": OUTCOME_ZH.get(a.outcome, ""),
                               "text": a.reasons})]
    if a.outcome == Appeal.UPHELD:
        out.append(("appeal.upheld", {"appeal": a, "text": a.reconsideration[:300]}))
    return out


@on("notice.lodged")
def notice_lodged(ev):
    from tancert.certificates.notices.actions import KIND_ZH as NOTICE_KIND_ZH

    n = ClientNotice.objects.select_related("certificate__organisation").get(pk=ev.subject_id)
    return [("notice.lodged", {**_about(n.certificate), "notice": n, "kind": NOTICE_KIND_ZH[n.kind],
                               "text": n.description[:300]})]


@on("notice.resolved")
def notice_resolved(ev):
    from tancert.certificates.notices.actions import RESOLUTION_ZH

    n = ClientNotice.objects.select_related("certificate__organisation").get(pk=ev.subject_id)
    return [("notice.resolved", {**_about(n.certificate), "notice": n, "resolution": RESOLUTION_ZH[n.resolution],
                                 "text": n.review_note[:300]})]
