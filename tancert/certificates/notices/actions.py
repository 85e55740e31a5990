"""Client notices of changes and serious events (CB-notice-lodge, CB-notice-review; docs/obligations.md).

The holder notifies on its certificate (R7.1-C5: the commitment to report major accidents promptly; ISO/IEC
17021-1 §8.5.3: changes). The programme manager reviews each notice and resolves it through the paths that
exist already — an extra surveillance audit in the programme (R8.1.1-extra), the certificate's change request
(R9.4), a suspension proposal in the decision makers' queue (R9.2-T1…T4) — or as no action, with the reasons.
The trigger (reason kind or T1–T4) is kept on the notice and in the record, and the notice links what it started.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import AuditProgramme
from tancert.certificates.models import Certificate, ChangeRequest, ClientNotice, SuspensionProposal
from tancert.ops.notify import notify, organisation_users, staff_with_role
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require

TEXT_MAX = 5000
KIND_ZH = {ClientNotice.ACCIDENT: "重大事故", ClientNotice.PENALTY: "行政处罚", ClientNotice.OWNERSHIP: "所有权变更",
           ClientNotice.LEGAL_STATUS: "法律地位变更", ClientNotice.SITES: "场所变更",
           ClientNotice.BOUNDARY: "核算边界变更", ClientNotice.KEY_PERSONNEL: "关键人员变更"}
RESOLUTION_ZH = {ClientNotice.NO_ACTION: "不采取措施", ClientNotice.EXTRA: "增加监督审核",
                 ClientNotice.CHANGE: "证书变更", ClientNotice.SUSPENSION: "暂停建议"}
EXTRA_TRIGGERS = ("major_change", "major_incident")  # planning.programme.EXTRA_REASONS (R8.1.1-extra)
SUSPENSION_TRIGGERS = ("T1", "T2", "T3", "T4")
# A notice is on a certificate the holder still holds: valid, or suspended (a penalty while suspended matters).
NOTIFIABLE = (Certificate.VALID, Certificate.SUSPENDED)


def lodge_notice(cert: Certificate, *, by, kind: str, description: str, occurred_on: date | None) -> ClientNotice:
    """The holder tells the body of a change or a serious event on its certificate (CB-notice-lodge)."""
    if not (by is not None and by.is_authenticated and by.is_client and by.organisation_id == cert.organisation_id):
        raise PermissionDenied(_("Only the certificate holder notifies the body of changes on its certificate."))
    description = (description or "").strip()
    require(kind in KIND_ZH, "CB-notice-lodge", _("Choose what kind of change or event it is."), field="kind")
    require(0 < len(description) <= TEXT_MAX, "CB-notice-lodge",
            _("Describe what happened or changed (at most 5000 characters)."), field="description")
    require(occurred_on is not None and occurred_on <= timezone.localdate(), "CB-notice-lodge",
            _("Give the day it happened; it cannot be in the future."), field="occurred_on")
    require(cert.status in NOTIFIABLE, "CB-notice-lodge", _("The certificate is no longer held."),
            field="certificate")
    with transaction.atomic():
        n = ClientNotice.objects.create(organisation_id=cert.organisation_id, certificate=cert, kind=kind,
                                        occurred_on=occurred_on, description=description, lodged_by=by,
                                        lodged_at=timezone.now())
        chain.append("notice.lodged", subject=n, by=by, organisation=cert.organisation_id,
                     summary=f"获证组织通报{KIND_ZH[kind]}（证书 {cert.number}，{occurred_on.isoformat()}）："
                             f"{description[:150]}",
                     data={"kind": kind, "certificate": cert.number, "occurred_on": occurred_on.isoformat(),
                           "description": description})
        notify(staff_with_role(Role.PROGRAMME_MANAGER), f"获证组织通报{KIND_ZH[kind]}：{cert.number}，请评审",
               description[:300], f"/notices/{n.pk}/")
    return n


def _programme(cert: Certificate) -> AuditProgramme | None:
    return AuditProgramme.objects.filter(certificate=cert).order_by("-cycle").first()


def resolve_notice(n: ClientNotice, *, by, resolution: str, note: str, trigger: str = "",
                   start: date | None = None) -> ClientNotice:
    """The programme manager reviews the notice and resolves it (CB-notice-review): no action; an extra
    surveillance audit (trigger major_change / major_incident, from ``start``); the certificate's open change
    request; or a suspension proposal under T1–T4. What it started is linked to the notice."""
    from tancert.audits.programme.actions import add_extra_surveillance, build_programme
    from tancert.certificates.proposals.actions import propose_suspension

    require_role(by, Role.PROGRAMME_MANAGER)
    note = (note or "").strip()
    with transaction.atomic():
        locked = ClientNotice.objects.select_for_update().get(pk=n.pk)
        cert = locked.certificate
        require(locked.state == ClientNotice.RECEIVED, "CB-notice-review", _("This notice has already been resolved."),
                field="resolution")
        require(resolution in RESOLUTION_ZH, "CB-notice-review",
                _("Choose how the notice is resolved: no action, extra surveillance, certificate change or "
                  "suspension proposal."), field="resolution")
        require(0 < len(note) <= TEXT_MAX, "CB-notice-review",
                _("Record the review: why this resolution (at most 5000 characters)."), field="note")
        entry = change = proposal = None
        if resolution == ClientNotice.EXTRA:
            require(trigger in EXTRA_TRIGGERS, "CB-notice-review",
                    _("Say whether the extra surveillance is for a major change or a major incident."), field="trigger")
            prog = _programme(cert) or build_programme(cert.organisation, by=by)
            require(prog.certificate_id == cert.pk, "CB-notice-review",
                    _("The certificate has no audit programme to add the extra surveillance audit to."),
                    field="resolution")
            entry = add_extra_surveillance(prog, by=by, reason_kind=trigger, start=start or timezone.localdate(),
                                           reason=f"获证组织通报{KIND_ZH[locked.kind]}：{note[:300]}")
        elif resolution == ClientNotice.CHANGE:
            trigger = ""
            change = cert.change_requests.filter(status__in=ChangeRequest.OPEN).order_by("-pk").first()
            require(change is not None, "CB-notice-review",
                    _("No change of this certificate is open: the holder applies for the change on the certificate "
                      "page (or the certificate administrator proposes it), then resolve the notice."),
                    field="resolution")
        elif resolution == ClientNotice.SUSPENSION:
            require(trigger in SUSPENSION_TRIGGERS, "CB-notice-review", _("Name the suspension trigger (T1–T4)."),
                    field="trigger")
            require(cert.status == Certificate.VALID, "CB-notice-review",
                    _("Only a valid certificate can be proposed for suspension."), field="resolution")
            proposal = propose_suspension(
                cert, trigger=trigger, source=SuspensionProposal.SERIOUS_EVENT, by=by, reported_by=locked.lodged_by,
                detail=f"获证组织通报{KIND_ZH[locked.kind]}（{locked.occurred_on.isoformat()}）：{locked.description[:500]}",
                basis="CB-notice-review")
            # None: a proposal under this trigger is waiting already — the notice joins it.
            proposal = proposal or cert.suspension_proposals.filter(trigger=trigger,
                                                                    state=SuspensionProposal.OPEN).first()
            require(proposal is not None, "CB-notice-review", _("Only a valid certificate can be proposed for "
                                                                "suspension."), field="resolution")
        else:
            trigger = ""
        locked.state, locked.resolution, locked.trigger, locked.review_note = (
            ClientNotice.RESOLVED, resolution, trigger, note)
        locked.reviewed_by, locked.reviewed_at = by, timezone.now()
        locked.programme_entry, locked.change_request, locked.suspension_proposal = entry, change, proposal
        locked.save()
        chain.append("notice.resolved", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"评审获证组织通报（{KIND_ZH[locked.kind]}，证书 {cert.number}）：{RESOLUTION_ZH[resolution]}"
                             + (f"（{trigger}）" if trigger else ""),
                     data={"resolution": resolution, "trigger": trigger, "note": note,
                           "programme_entry": entry.pk if entry else None, "change_request": change.pk if change else None,
                           "suspension_proposal": proposal.pk if proposal else None})
        notify(organisation_users(cert.organisation), f"您的通报已评审：{RESOLUTION_ZH[resolution]}", note[:300],
               f"/notices/{locked.pk}/")
    return locked
